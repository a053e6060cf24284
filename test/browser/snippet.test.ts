import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { buildSnippet } from '../../client-snippet/build';
import type { EdgeprintApi } from '../../client-snippet/src/snippet';
import { QUEUE_STUB } from '../../infra/local/demo-site';
import { collectJson, freshSessionId, hitsFor, useLocalStack } from '../helpers/local-stack';
import { launchChromium, type LaunchedChromium } from './chromium';
import { settle, watchPage } from './page-watch';
import { runId, storedRecords, waitFor, type StoredRecord } from './stored';

/**
 * The snippet in Debian's Chromium against the real local stack and its demo site: everything is
 * checked through the stored items and /v1/hits. Fixture pages (`/fixture/<name>`) are answered by
 * the browser context itself, to try script-tag options the demo pages do not use; the snippet and
 * the API behind them are the real ones.
 */

// The browser must run the snippet built from the current source (registered before the stack starts).
beforeAll(() => buildSnippet());
// Debounce off: a test may revisit a URL within seconds (history.back) and expect a pageview.
const stack = useLocalStack({ demo: true, env: { EDGEPRINT_DEBOUNCE_SECONDS: '0' } });
const ARTIFACTS = join(__dirname, '..', '..', 'test-artifacts');

const FIXTURES: Record<string, { attributes: string; before?: string; body?: string }> = {
  plain: { attributes: '' },
  'gpc-drop': { attributes: 'data-gpc="drop"' },
  'dnt-drop': { attributes: 'data-dnt="drop"' },
  'consent-strict': { attributes: 'data-consent="required" data-without-consent="nothing"' },
  'consent-early': { attributes: 'data-consent="required"', before: `${QUEUE_STUB};edgeprint.consent(true)` },
  broken: { attributes: 'data-debug', body: '<span data-edgeprint-hits="https://site.example/a">?</span>' },
  'broken-quiet': { attributes: '', body: '<span data-edgeprint-hits="https://site.example/a">?</span>' },
};

function fixtureHtml(name: string): string {
  const fixture = FIXTURES[name];
  if (fixture === undefined) throw new Error(`no fixture ${name}`);
  const before = fixture.before === undefined ? '' : `<script>${fixture.before}</script>`;
  return (
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>fixture ${name}</title><link rel="icon" href="data:,">` +
    `${before}<script defer src="/v1/snippet.js" data-endpoint="" ${fixture.attributes}></script></head>` +
    `<body><p>fixture</p>${fixture.body ?? ''}</body></html>`
  );
}

let chromium: LaunchedChromium;
let context: BrowserContext;
/** The visitorId this browser gets (the same for every profile on this machine). */
let visitorId: string | undefined;

beforeAll(async () => {
  chromium = await launchChromium();
  context = chromium.context;
  await context.route(`${stack().url}/fixture/**`, (route) => {
    const name = new URL(route.request().url()).pathname.split('/')[2] ?? '';
    return route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: fixtureHtml(name) });
  });
});

afterAll(async () => {
  await chromium?.close();
});

/** Requests each open page still has in flight (reports use keepalive and may outlive their page). */
const inFlight = new Map<Page, Set<unknown>>();

/** A new page with a new session (cookies cleared): a different visitor as far as the API knows. */
async function freshPage(): Promise<Page> {
  await context.clearCookies();
  const page = await context.newPage();
  const pending = new Set<unknown>();
  inFlight.set(page, pending);
  page.on('request', (request) => pending.add(request));
  page.on('requestfinished', (request) => pending.delete(request));
  page.on('requestfailed', (request) => pending.delete(request));
  return page;
}

/** Closes a page once its requests have been answered, so no late Set-Cookie leaks into the next test. */
async function closePage(page: Page): Promise<void> {
  const pending = inFlight.get(page);
  if (pending !== undefined) await waitFor(async () => pending.size, (size) => size === 0, 5000);
  inFlight.delete(page);
  await page.close();
}

async function sessionCookie(): Promise<string | undefined> {
  return (await context.cookies(stack().url)).find((cookie) => cookie.name === 'ep_sid')?.value;
}

/** The session cookie once a report's answer has set it (the record may be stored before the answer arrives). */
async function sessionCookieSet(): Promise<string | undefined> {
  return waitFor(sessionCookie, (value) => value !== undefined, 5000);
}

/** Puts a session cookie in the browser: a cookieless report must not send it. */
async function plantSession(): Promise<string> {
  const session = freshSessionId();
  await context.addCookies([{ name: 'ep_sid', value: session, url: stack().url }]);
  return session;
}

/** Waits for records matching `match`, at least `count` of them. */
async function recordsWhere(match: (record: StoredRecord) => boolean, count = 1): Promise<StoredRecord[]> {
  const all = await waitFor(
    () => storedRecords(stack()),
    (records) => records.filter(match).length >= count,
  );
  return all.filter(match);
}

const pageviewOf = (url: string) => (record: StoredRecord) => record.event === 'pageview' && record.url === url;

describe('snippet (client-snippet/src/snippet.ts) in Chromium', () => {
  it('reports the visitorId and a pageview with one script tag, talking to no other origin', async () => {
    const page = await freshPage();
    // FingerprintJS phones home on 0.1% of loads unless monitoring is off: make every load a 0.1% one.
    await page.addInitScript(() => {
      Math.random = () => 0;
    });
    const watch = watchPage(page, stack().url);
    const url = `${stack().url}/demo/alpha?run=${runId()}`;
    await page.goto(url);
    const [pageview] = await recordsWhere(pageviewOf(url));
    expect(pageview?.visitorId).toMatch(/^[A-Za-z0-9]{16,64}$/);
    expect(pageview?.confidence).toBeGreaterThan(0);
    expect(pageview?.confidence).toBeLessThanOrEqual(1);
    expect(pageview?.title).toBe('alpha · edgeprint demo');
    expect(pageview?.sessionId).toBe(await sessionCookieSet());
    expect(await hitsFor(stack(), [url])).toEqual({ [url]: 1 });
    // FingerprintJS telemetry is off: every request went to the page's own origin.
    expect(watch.foreign).toEqual([]);
    expect(watch.pageErrors).toEqual([]);
    visitorId = pageview?.visitorId;
    await closePage(page);
  });

  it('reports SPA navigations (pushState, hash, back) and custom events, including one queued before load', async () => {
    const page = await freshPage();
    const base = `${stack().url}/demo/spa?run=${runId()}`;
    const view2 = `${base}&view=2`;
    const hashed = `${view2}#section-3`;
    await page.goto(base);
    await recordsWhere(pageviewOf(base));
    await page.click('#push');
    await recordsWhere(pageviewOf(view2));
    await page.click('#hash');
    await recordsWhere(pageviewOf(hashed));
    await page.click('#event');
    // Same URL again: no new pageview.
    await page.evaluate(() => history.replaceState(null, '', location.href));
    await page.goBack();
    await page.waitForURL(view2);
    await recordsWhere(pageviewOf(view2), 2);

    const run = (await storedRecords(stack())).filter((record) => record.url.startsWith(base));
    const pageviews = run.filter((record) => record.event === 'pageview');
    expect(pageviews.map((record) => [record.url, record.referrer])).toEqual([
      [base, undefined],
      [view2, base],
      [hashed, view2],
      [view2, hashed],
    ]);
    const queued = run.filter((record) => record.event === 'demo_queued');
    expect(queued.map((record) => [record.url, record.props])).toEqual([[base, { early: true }]]);
    const clicked = run.filter((record) => record.event === 'demo_click');
    expect(clicked.map((record) => [record.url, record.props])).toEqual([[hashed, { view: 3 }]]);
    const session = await sessionCookieSet();
    expect(new Set(run.map((record) => record.sessionId))).toEqual(new Set([session]));
    expect(new Set(run.map((record) => record.visitorId))).toEqual(new Set([visitorId]));
    expect(await hitsFor(stack(), [base, view2, hashed])).toEqual({ [base]: 1, [view2]: 1, [hashed]: 1 });
    await closePage(page);
  });

  it('leaves the fragment out of the page URL unless data-hash is set', async () => {
    const page = await freshPage();
    const base = `${stack().url}/demo/beta?run=${runId()}`;
    await page.goto(base);
    await recordsWhere(pageviewOf(base));
    await page.evaluate(() => {
      location.hash = 'part';
    });
    await page.evaluate(() => history.pushState(null, '', `${location.search}&next=1`));
    await recordsWhere(pageviewOf(`${base}&next=1`));
    const pageviews = (await storedRecords(stack())).filter((record) => record.url.startsWith(base) && record.event === 'pageview');
    expect(pageviews.map((record) => record.url)).toEqual([base, `${base}&next=1`]);
    await closePage(page);
  });

  it('with data-consent="required" sends only cookieless reports without visitorId until consent(true)', async () => {
    const page = await freshPage();
    // A session cookie the browser holds: cookieless reports must not send it, consented ones must.
    const session = await plantSession();
    const watch = watchPage(page, stack().url);
    const url = `${stack().url}/demo/consent?run=${runId()}`;
    await page.goto(url);
    const [anonymous] = await recordsWhere(pageviewOf(url));
    expect(anonymous?.visitorId).toBeUndefined();
    await page.evaluate(() => (window.edgeprint as EdgeprintApi).track('before_consent'));
    const [early] = await recordsWhere((record) => record.url === url && record.event === 'before_consent');
    expect(early?.visitorId).toBeUndefined();
    // Cookieless: no report carried the cookie, so the API gave each one a session of its own.
    expect(new Set([anonymous?.sessionId, early?.sessionId, session]).size).toBe(3);
    expect(watch.reports.length).toBeGreaterThanOrEqual(2);
    expect(watch.reports.filter((report) => 'id' in report.body)).toEqual([]);

    await page.click('#accept');
    const [consent] = await recordsWhere((record) => record.url === url && record.event === 'consent');
    expect(consent).toMatchObject({ visitorId, sessionId: session });
    await page.evaluate(() => (window.edgeprint as EdgeprintApi).track('after_consent', { ok: true }));
    const [after] = await recordsWhere((record) => record.url === url && record.event === 'after_consent');
    expect(after).toMatchObject({ visitorId, sessionId: session, props: { ok: true } });
    // The consent event links the visitor without a second hit for the page.
    expect(await hitsFor(stack(), [url])).toEqual({ [url]: 1 });
    expect(watch.pageErrors).toEqual([]);
    await closePage(page);
  });

  it('with data-without-consent="nothing" sends nothing at all before consent', async () => {
    const page = await freshPage();
    const watch = watchPage(page, stack().url);
    const url = `${stack().url}/fixture/consent-strict?run=${runId()}`;
    await page.goto(url);
    await page.evaluate(() => (window.edgeprint as EdgeprintApi).track('not_sent'));
    await settle(page, watch);
    expect(watch.reports).toEqual([]);
    await page.evaluate(() => (window.edgeprint as EdgeprintApi).consent(true));
    const [pageview] = await recordsWhere(pageviewOf(url));
    expect(pageview?.visitorId).toBe(visitorId);
    expect((await storedRecords(stack())).filter((record) => record.url === url).map((record) => record.event)).toEqual(['pageview']);
    await closePage(page);
  });

  it('uses the queue stub exactly as docs/snippet.md tells sites to paste it', () => {
    expect(readFileSync(join(__dirname, '..', '..', 'docs', 'snippet.md'), 'utf8')).toContain(`<script>${QUEUE_STUB}</script>`);
  });

  it('takes consent given through the stub before the tag: the first pageview is fingerprinted', async () => {
    const page = await freshPage();
    const watch = watchPage(page, stack().url);
    const url = `${stack().url}/fixture/consent-early?run=${runId()}`;
    await page.goto(url);
    const [pageview] = await recordsWhere(pageviewOf(url));
    expect(pageview?.visitorId).toBe(visitorId);
    expect(watch.reports.map((report) => report.body.id)).toEqual([visitorId]);
    await closePage(page);
  });

  it('honours Global Privacy Control (anonymous by default, nothing with data-gpc="drop") and DNT only when configured', async () => {
    const gpcOn = () => Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => true });
    const dntOn = () => Object.defineProperty(Navigator.prototype, 'doNotTrack', { get: () => '1' });

    const anonymousPage = await freshPage();
    const planted = await plantSession();
    await anonymousPage.addInitScript(gpcOn);
    const anonymousUrl = `${stack().url}/fixture/plain?gpc=${runId()}`;
    await anonymousPage.goto(anonymousUrl);
    const [anonymous] = await recordsWhere(pageviewOf(anonymousUrl));
    expect(anonymous?.visitorId).toBeUndefined();
    // Cookieless too: the session cookie the browser holds was not sent.
    expect(anonymous?.sessionId).not.toBe(planted);
    await closePage(anonymousPage);

    const droppedPage = await freshPage();
    await droppedPage.addInitScript(gpcOn);
    const dropped = watchPage(droppedPage, stack().url);
    await droppedPage.goto(`${stack().url}/fixture/gpc-drop?run=${runId()}`);
    await settle(droppedPage, dropped);
    expect(dropped.reports).toEqual([]);
    await closePage(droppedPage);

    const dntIgnoredPage = await freshPage();
    await dntIgnoredPage.addInitScript(dntOn);
    const dntUrl = `${stack().url}/fixture/plain?dnt=${runId()}`;
    await dntIgnoredPage.goto(dntUrl);
    const [ignored] = await recordsWhere(pageviewOf(dntUrl));
    expect(ignored?.visitorId).toBe(visitorId);
    await closePage(dntIgnoredPage);

    const dntDroppedPage = await freshPage();
    await dntDroppedPage.addInitScript(dntOn);
    const dntDropped = watchPage(dntDroppedPage, stack().url);
    await dntDroppedPage.goto(`${stack().url}/fixture/dnt-drop?run=${runId()}`);
    await settle(dntDroppedPage, dntDropped);
    expect(dntDropped.reports).toEqual([]);
    await closePage(dntDroppedPage);
  });

  it('fills every hit widget from one batched /v1/hits request, split per 100 urls', async () => {
    const origin = stack().url;
    const seeded: Record<string, number> = { [`${origin}/demo/alpha`]: 3, [`${origin}/demo/beta`]: 1, [`${origin}/bulk/7`]: 2, [`${origin}/bulk/120`]: 1 };
    for (const [url, sessions] of Object.entries(seeded)) {
      for (let i = 0; i < sessions; i++) expect((await collectJson(stack(), { url }, { session: freshSessionId() })).status).toBe(204);
    }
    // Hits are counted by the queue consumer from the stored records (seconds behind: docs/api.md).
    await stack().queue.drain();
    const page = await freshPage();
    const watch = watchPage(page, origin);
    await page.goto(`${origin}/`);
    await page.waitForFunction(() => [...document.querySelectorAll('[data-edgeprint-hits]')].every((element) => /^\d+$/.test(element.textContent ?? '')));
    const shown = await page.$$eval('[data-edgeprint-hits]', (elements) =>
      Object.fromEntries(elements.map((element) => [element.getAttribute('data-edgeprint-hits'), element.textContent])),
    );
    expect(shown[`${origin}/demo/alpha`]).toBe('3');
    expect(shown[`${origin}/demo/beta`]).toBe('1');
    expect(shown[`${origin}/demo/gamma`]).toBe('0');
    expect(watch.hitsRequests).toHaveLength(1);
    expect(watch.hitsRequests[0]?.searchParams.getAll('url')).toHaveLength(Object.keys(shown).length);

    mkdirSync(ARTIFACTS, { recursive: true });
    const screenshot = join(ARTIFACTS, 'demo-site.png');
    await page.screenshot({ path: screenshot, fullPage: true });
    expect(readFileSync(screenshot).subarray(1, 4).toString()).toBe('PNG');

    // 150 more widgets: with the index's own, 154 urls, so two requests (100 + 54).
    await page.evaluate((base) => {
      for (let i = 0; i < 150; i++) {
        const span = document.createElement('span');
        span.setAttribute('data-edgeprint-hits', `${base}/bulk/${i}`);
        document.body.append(span);
      }
    }, origin);
    await page.evaluate(() => (window.edgeprint as EdgeprintApi).hits());
    const batches = watch.hitsRequests.slice(1).map((request) => request.searchParams.getAll('url').length);
    expect(batches.sort((a, b) => b - a)).toEqual([100, Object.keys(shown).length + 150 - 100]);
    const bulk = await page.$$eval('[data-edgeprint-hits*="/bulk/"]', (elements) => elements.map((element) => element.textContent));
    expect(bulk).toHaveLength(150);
    expect(bulk[7]).toBe('2');
    expect(bulk[120]).toBe('1');
    expect(bulk.filter((text) => text === '0')).toHaveLength(148);
    await closePage(page);
  });

  it('never throws into the host page when every transport throws; logs only with data-debug', async () => {
    const breakTransports = () => {
      Object.defineProperty(Navigator.prototype, 'sendBeacon', { value: () => { throw new Error('beacon broken'); } });
      window.fetch = () => {
        throw new Error('fetch broken');
      };
    };
    for (const name of ['broken', 'broken-quiet']) {
      const page = await freshPage();
      await page.addInitScript(breakTransports);
      const watch = watchPage(page, stack().url);
      await page.goto(`${stack().url}/fixture/${name}?run=${runId()}`);
      await page.waitForFunction(() => window.edgeprint !== undefined && !('q' in window.edgeprint));
      const survived = await page.evaluate(async () => {
        const api = window.edgeprint as EdgeprintApi;
        const circular: Record<string, never> = {};
        (circular as Record<string, unknown>).self = circular;
        api.track('ok_event', { a: 1 });
        api.track(undefined as unknown as string, circular);
        api.consent(false);
        history.pushState(null, '', `${location.pathname}${location.search}&moved=1`);
        await api.hits();
        await api.report();
        document.dispatchEvent(new Event('visibilitychange'));
        return 'still running';
      });
      expect(survived).toBe('still running');
      expect(watch.pageErrors).toEqual([]);
      const logged = watch.console.filter((line) => line.includes('[edgeprint]'));
      if (name === 'broken') expect(logged.length).toBeGreaterThan(0);
      else expect(logged).toEqual([]);
      await closePage(page);
    }
  });

  it('reports on the redirect page through the same snippet, then lands on next', async () => {
    const page = await freshPage();
    const watch = watchPage(page, stack().url);
    const next = `/demo/gamma?run=${runId()}`;
    const redirectUrl = `${stack().url}/v1/r?next=${encodeURIComponent(next)}`;
    const target = `${stack().url}${next}`;
    await page.goto(redirectUrl);
    await page.waitForURL(target, { timeout: 10000 });
    // Both of the redirect page's records are stored under the page it lands on (issue 11).
    const [report] = await recordsWhere((record) => record.url === target && record.event === 'redirect');
    const [request] = await recordsWhere((record) => record.url === target && record.type === 'request_fingerprint');
    const [landed] = await recordsWhere(pageviewOf(target));
    expect(report?.visitorId).toBe(visitorId);
    const session = await sessionCookieSet();
    expect([report?.sessionId, request?.sessionId, landed?.sessionId]).toEqual([session, session, session]);
    expect(request?.fp).toEqual(expect.any(String));
    // One session: the redirect's hit and the landing pageview count once.
    expect(await hitsFor(stack(), [target])).toEqual({ [target]: 1 });
    expect(watch.console.filter((line) => /Content Security Policy/i.test(line))).toEqual([]);
    expect(watch.pageErrors).toEqual([]);
    await closePage(page);
  });
});
