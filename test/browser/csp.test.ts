import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { buildSnippet } from '../../client-snippet/build';
import { useLocalStack } from '../helpers/local-stack';
import { launchChromium, type LaunchedChromium } from './chromium';
import { runId, storedRecords, waitFor } from './stored';

/**
 * docs/snippet.md, "Content-Security-Policy": a third-party host page (its own origin: another
 * loopback port, served with a CSP header by a small server here) loads the snippet from the API origin of the real local stack.
 * With the documented policy the report is stored and Chromium reports no violation; without the API
 * origin in `connect-src` it reports one (so the check can fail).
 */

beforeAll(() => buildSnippet());

// The host page's server, started before the stack so the stack can allow its origin. Both on loopback:
// Chromium refuses a public page's requests to a loopback API (Private Network Access).
let host: Server;
let HOST = '';
let policy = '';
beforeAll(async () => {
  host = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': policy });
    response.end(
      '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>host with CSP</title>' +
        `<script defer src="${stack().url}/v1/snippet.js" data-endpoint="${stack().url}"></script></head><body><p>shop</p></body></html>`,
    );
  });
  await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', resolve));
  HOST = `http://127.0.0.1:${(host.address() as AddressInfo).port}`;
});
afterAll(async () => {
  host?.closeAllConnections();
  await new Promise((resolve) => host?.close(resolve));
});
const stack = useLocalStack(() => ({ env: { EDGEPRINT_ALLOWED_ORIGINS: HOST, EDGEPRINT_DEBOUNCE_SECONDS: '0' } }));

/** The policy docs/snippet.md gives a host page, for an API at `api`. */
const documentedPolicy = (api: string) => `default-src 'self'; script-src 'self' ${api}; connect-src 'self' ${api}`;

let chromium: LaunchedChromium;

beforeAll(async () => {
  chromium = await launchChromium();
});

afterAll(async () => {
  await chromium?.close();
});

/** Opens the host page under `csp`; returns the page and the violations Chromium reports to it. */
async function openHostPage(csp: string): Promise<{ page: Page; url: string; violations: () => Promise<string[]> }> {
  policy = csp;
  const page = await chromium.context.newPage();
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { __violations: string[] }).__violations = seen;
    document.addEventListener('securitypolicyviolation', (event) => seen.push(`${event.effectiveDirective} ${event.blockedURI}`));
  });
  const messages: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) messages.push(message.text());
  });
  const url = `${HOST}/csp?run=${runId()}`;
  await page.goto(url);
  await page.waitForLoadState('load');
  const violations = async () => [...((await page.evaluate(() => (window as unknown as { __violations: string[] }).__violations)) ?? []), ...messages];
  return { page, url, violations };
}

describe('the snippet under a host page Content-Security-Policy', () => {
  it('reports and is stored under the documented policy, with no CSP violation', async () => {
    const { page, url, violations } = await openHostPage(documentedPolicy(stack().url));
    const records = await waitFor(
      () => storedRecords(stack()),
      (all) => all.some((record) => record.url === url && record.event === 'pageview'),
      15000,
    );
    const pageview = records.find((record) => record.url === url && record.event === 'pageview');
    expect(pageview?.visitorId).toMatch(/^[A-Za-z0-9]{16,64}$/);
    // Give any late violation (a deferred FingerprintJS source) a chance to be reported before the check.
    await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 500)));
    expect(await violations()).toEqual([]);
    await page.close();
  });

  it('is blocked, with a connect-src violation, when the policy leaves the API origin out of connect-src', async () => {
    const { page, violations } = await openHostPage(`default-src 'self'; script-src 'self' ${stack().url}; connect-src 'self'`);
    const seen = await waitFor(violations, (found) => found.some((line) => line.startsWith('connect-src')), 10000);
    expect(seen.filter((line) => line.startsWith('connect-src')).length).toBeGreaterThan(0);
    await page.close();
  });
});
