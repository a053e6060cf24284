import type { Page } from 'playwright-core';
import { waitFor } from './stored';

/** What a page did on the network and in its console, as Chromium reports it. */
export interface PageWatch {
  /** POSTs to `/v1/collect` or `/v1/r`, with their parsed `text/plain` JSON bodies. */
  readonly reports: { url: string; body: Record<string, unknown> }[];
  readonly hitsRequests: URL[];
  /** Requests to any origin other than the stack's (FingerprintJS telemetry would show here). */
  readonly foreign: string[];
  readonly pageErrors: string[];
  readonly console: string[];
}

/** Starts recording a page's requests, uncaught errors and console messages. */
export function watchPage(page: Page, origin: string): PageWatch {
  const watch: PageWatch = { reports: [], hitsRequests: [], foreign: [], pageErrors: [], console: [] };
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (url.origin !== origin && url.protocol !== 'data:') watch.foreign.push(request.url());
    if (request.method() === 'POST' && (url.pathname === '/v1/collect' || url.pathname === '/v1/r')) {
      watch.reports.push({ url: request.url(), body: JSON.parse(request.postData() ?? '{}') as Record<string, unknown> });
    }
    if (url.pathname === '/v1/hits') watch.hitsRequests.push(url);
  });
  page.on('pageerror', (error) => watch.pageErrors.push(String(error)));
  page.on('console', (message) => watch.console.push(`${message.type()}: ${message.text()}`));
  return watch;
}

/**
 * Waits until the snippet is installed and the page has been idle for `quietMs`, then sends a
 * marker request and waits until Chromium has reported it: every request the page made before is
 * in `watch` by then. For checks that something was NOT sent.
 */
export async function settle(page: Page, watch: PageWatch, quietMs = 1000): Promise<void> {
  await page.waitForFunction(() => window.edgeprint !== undefined && !('q' in window.edgeprint));
  await page.waitForLoadState('load');
  await page.waitForTimeout(quietMs);
  const marker = `https://marker.example/${Math.random().toString(36).slice(2)}`;
  await page.evaluate((url) => fetch(`/v1/hits?url=${encodeURIComponent(url)}`).then(() => undefined), marker);
  await waitFor(
    async () => watch.hitsRequests,
    (requests) => requests.some((request) => request.searchParams.get('url') === marker),
    5000,
  );
}
