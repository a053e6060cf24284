import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { BrowserContext, Page } from 'playwright-core';
import { buildDashboard } from '../../dashboard/build';
import { aggregateBatch } from '../../layers/core/src/aggregates/aggregate-batch';
import { createTableContext } from '../../layers/core/src/store/client';
import { dynamoAggregateStore } from '../../layers/core/src/store/dynamo-aggregate-store';
import { AGENTS, expectedDay, planDay, sendDay, type ExpectedSite } from '../helpers/aggregate-traffic';
import { forwardEvent } from '../helpers/forward-event-factory';
import { collectJson, useLocalStack } from '../helpers/local-stack';
import { modelPeriod, periodEvents, planPeriods, realtimeSessions, type PeriodModel } from '../helpers/period-traffic';
import { launchChromium, type LaunchedChromium } from './chromium';
import { watchPage, type PageWatch } from './page-watch';

/**
 * The dashboard in Debian's Chromium against the real local stack: sign in with the keyboard, see
 * the totals and the chart of a generated day, change the date range, lose the session; and, for
 * two generated periods (yesterday and today), the comparisons, hourly points, entry pages,
 * returning devices and realtime count, at desktop and phone widths, with no list text wrapping.
 * Checks no third-party request, no CSP violation and the WCAG AA contrast of the page's text. The
 * screenshots are kept in test-artifacts/ (docs/img/dashboard*.png are copies).
 */

// The browser must run the dashboard built from the current source.
beforeAll(() => buildDashboard());
const stack = useLocalStack({ queue: { pollIntervalMs: 3_600_000 }, env: { EDGEPRINT_DEBOUNCE_SECONDS: '0' } });
const ARTIFACTS = join(__dirname, '..', '..', 'test-artifacts');
const SITE = 'alpha.example';
/** Events of four days ago, queued as the collecting handlers queue them: the range change must leave them out. */
const OLD_DAY = new Date(Date.now() - 4 * 86_400_000).toISOString().slice(0, 10);
const TODAY = new Date().toISOString().slice(0, 10);
/** The site of the two generated periods (aggregated directly, see test/integration/dashboard-periods.test.ts). */
const PERIODS = 'periods.example';

let chromium: LaunchedChromium;
let context: BrowserContext;
let expected: ExpectedSite;
let periods: ReturnType<typeof planPeriods>;

async function aggregatePeriods(): Promise<void> {
  const now = new Date();
  periods = planPeriods(now);
  const table = createTableContext({ tableName: stack().tableName, region: 'us-east-1', endpoint: stack().dynamodbEndpoint });
  const store = dynamoAggregateStore(table);
  const events = [...periodEvents(PERIODS, periods.yesterday), ...periodEvents(PERIODS, periods.today)];
  for (let start = 0; start < events.length; start += 10) await aggregateBatch(events.slice(start, start + 10), { store, log: () => undefined, now: () => now });
  table.client.destroy();
}

async function queueOldDay(): Promise<void> {
  const at = `${OLD_DAY}T09:00:00.000Z`;
  const events = [
    forwardEvent({ url: `https://${SITE}/archive`, sessionId: 'oldSessionA', visitorId: 'oldVisitorA', at }),
    forwardEvent({ url: `https://${SITE}/archive`, sessionId: 'oldSessionA', visitorId: 'oldVisitorA', at }),
    forwardEvent({ url: `https://${SITE}/`, sessionId: 'oldSessionB', visitorId: 'oldVisitorB', at }),
  ];
  const sqs = new SQSClient({ region: 'us-east-1', endpoint: stack().queue.endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  await sqs.send(new SendMessageBatchCommand({ QueueUrl: stack().queue.queueUrl, Entries: events.map((event, index) => ({ Id: String(index), MessageBody: JSON.stringify(event) })) }));
  sqs.destroy();
}

beforeAll(async () => {
  const day = planDay(42, [SITE, 'beta.example'], stack().url, { browsers: 10 });
  expected = expectedDay(day).get(SITE)!;
  await sendDay(stack(), day);
  await queueOldDay();
  await stack().queue.drain(60_000);
  await aggregatePeriods();
  chromium = await launchChromium();
  context = chromium.context;
});

afterAll(async () => {
  await chromium?.close();
});

async function totals(page: Page): Promise<Record<string, string>> {
  return page.$$eval('[data-total]', (nodes) => Object.fromEntries(nodes.map((node) => [(node as HTMLElement).dataset.total, node.textContent ?? ''])));
}

/** Waits until the status line shows a loaded range (not "Loading…"). */
async function loaded(page: Page, site: string): Promise<void> {
  await page.waitForFunction((name) => document.getElementById('status')?.textContent?.startsWith(`${name},`) === true, site);
}

/** WCAG 2.x contrast ratio of two CSS rgb() colours. */
function contrast(foreground: string, background: string): number {
  const luminance = (color: string) => {
    const [r, g, b] = (color.match(/\d+(\.\d+)?/g) ?? ['0', '0', '0']).slice(0, 3).map((value) => {
      const channel = Number(value) / 255;
      return channel <= 0.03928 ? channel / 12.92 : ((channel + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
  };
  const [light, dark] = [luminance(foreground), luminance(background)].sort((a, b) => b - a);
  return (light! + 0.05) / (dark! + 0.05);
}

describe('dashboard (dashboard/src/app.ts) in Chromium', () => {
  let page: Page;
  let watch: PageWatch;
  const csp: string[] = [];

  beforeAll(async () => {
    page = await context.newPage();
    await page.setViewportSize({ width: 1100, height: 900 });
    watch = watchPage(page, stack().url);
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) csp.push(message.text());
    });
  });

  it('signs in with the API key using the keyboard only', async () => {
    await page.goto(`${stack().url}/dashboard`);
    // The key field has the focus on arrival (autofocus), or after the first Tab when the window has none.
    if ((await page.evaluate(() => document.activeElement?.id)) !== 'key') await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('key');
    await page.keyboard.type(stack().env.EDGEPRINT_API_KEY!);
    await page.keyboard.press('Enter');
    await page.waitForSelector('#chart');
    expect(new URL(page.url()).pathname).toBe('/dashboard');
    // The first Tab reaches the skip link, the next ones the controls, in order (a date field takes one Tab per part).
    const order: string[] = [];
    for (let index = 0; index < 20 && order.at(-1) !== 'Sign out'; index += 1) {
      await page.keyboard.press('Tab');
      const focused = await page.evaluate(() => document.activeElement?.id || document.activeElement?.className || document.activeElement?.textContent || '');
      if (order.at(-1) !== focused) order.push(focused);
    }
    expect(order).toEqual(['skip', 'site', 'from', 'to', 'Show', 'Today', '7 days', '30 days', 'Sign out']);
    const cookie = (await context.cookies(`${stack().url}/dashboard`)).find((entry) => entry.name === 'ep_dash');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/dashboard' });
    expect(await page.evaluate(() => document.cookie)).not.toContain('ep_dash');
  });

  it('shows the totals of the last 30 days and draws the chart', async () => {
    await page.selectOption('#site', SITE);
    await page.click('button[type="submit"]');
    await loaded(page, SITE);
    const oldVisitors = 2;
    const oldPageviews = 3;
    expect(await totals(page)).toEqual({
      visitors: String(expected.visitors + oldVisitors),
      sessions: String(expected.sessions + 2),
      pageviews: String(expected.pageviews + oldPageviews),
      events: String(expected.events),
      gpc: String(expected.gpc),
      bots: String(expected.bots),
      gpcDropped: '0',
    });
    // uPlot drew into a canvas of the chart's width; with the pointer away, the legend shows the latest day's values.
    const canvas = await page.$eval('#chart', (node) => (node.querySelector('canvas') as HTMLCanvasElement | null)?.width ?? 0);
    expect(canvas).toBeGreaterThan(300);
    const legend = await page.textContent('#legend');
    expect(legend).toContain(TODAY);
    expect(legend).toContain(`Unique visitors: ${expected.visitors}`);
    expect(legend).toContain(`Pageviews: ${expected.pageviews}`);
    expect(legend).not.toContain('--');
    const archive = await page.$$eval('#pages tbody tr', (rows) => rows.map((row) => Array.from((row as HTMLTableRowElement).cells).map((cell) => cell.textContent)));
    expect(archive).toContainEqual(['/archive', '1', '2']);
    expect(await page.$$eval('#days tbody tr', (rows) => rows.length)).toBe(30);

    mkdirSync(ARTIFACTS, { recursive: true });
    const screenshot = join(ARTIFACTS, 'dashboard.png');
    await page.screenshot({ path: screenshot, fullPage: true });
    expect(readFileSync(screenshot).subarray(1, 4).toString()).toBe('PNG');
    // The top of the page, as docs/img/dashboard.png shows it.
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-top.png'), clip: { x: 0, y: 0, width: 1100, height: 760 } });
  });

  it('changes the date range: the older day leaves the totals', async () => {
    await page.fill('#from', TODAY);
    await page.fill('#to', TODAY);
    await page.focus('#to');
    await page.keyboard.press('Enter');
    await page.waitForFunction((today) => document.getElementById('status')?.textContent?.includes(`${today} to ${today}`) === true, TODAY);
    expect(await totals(page)).toMatchObject({ visitors: String(expected.visitors), pageviews: String(expected.pageviews), bots: String(expected.bots) });
    expect(new URL(page.url()).searchParams.get('from')).toBe(TODAY);
    expect(await page.$$eval('#pages tbody tr', (rows) => rows.map((row) => (row as HTMLTableRowElement).cells[0]?.textContent))).not.toContain('/archive');
    expect(await page.$$eval('#days tbody tr', (rows) => rows.length)).toBe(1);
  });

  /** Cells of the top lists' rows whose text takes more than one line (none may; the hint of an empty list is no row of it). */
  async function wrappedCells(): Promise<string[]> {
    return page.$$eval('table.list tbody td:not(.empty)', (cells) =>
      cells.flatMap((cell) => {
        const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
        const tops = new Set<number>();
        for (let node = walker.nextNode(); node !== null; node = walker.nextNode()) {
          const range = document.createRange();
          range.selectNodeContents(node);
          for (const rect of Array.from(range.getClientRects())) if (rect.width > 0) tops.add(Math.round(rect.top));
        }
        return tops.size > 1 ? [`${cell.closest('table')?.id}: ${cell.textContent}`] : [];
      }),
    );
  }

  const tableRows = (id: string) => page.$$eval(`#${id} tbody tr`, (rows) => rows.map((row) => Array.from((row as HTMLTableRowElement).cells).map((cell) => cell.textContent ?? '')));

  it('compares today with the day before, hour by hour, with entry pages, returning devices and the realtime count (1366×768)', async () => {
    await page.setViewportSize({ width: 1366, height: 768 });
    await page.selectOption('#site', PERIODS);
    await page.click('button[data-days="1"]');
    await page.waitForFunction(([site, today]) => document.getElementById('status')?.textContent?.startsWith(`${site}, ${today} to ${today}`) === true, [PERIODS, TODAY]);
    const now = modelPeriod(periods.today, periods.yesterday);
    const before = modelPeriod(periods.yesterday, []);
    expect(await totals(page)).toMatchObject({ visitors: String(now.visitors), sessions: String(now.sessions), pageviews: String(now.pageviews) });
    const change = (a: number, b: number) => (a === b ? 'No change vs the day before' : `${a > b ? '▲' : '▼'} ${Math.round((Math.abs(a - b) / b) * 100)}% vs the day before (${b})`);
    expect(await page.textContent('[data-delta="visitors"]')).toBe(change(now.visitors, before.visitors));
    expect(await page.textContent('[data-delta="pageviews"]')).toBe(change(now.pageviews, before.pageviews));
    expect(await page.textContent('#h-trend')).toBe('Unique visitors and pageviews per hour (UTC)');
    const hours = await tableRows('hours');
    expect(hours.map((row) => [row[1], row[2], row[3]])).toEqual(now.hoursVisitors.map((visitors, hour) => [String(visitors), String(now.hoursPageviews[hour]), String(before.hoursVisitors[hour])]));
    const entries = [...now.entries].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([path, count]) => [path, String(count)]);
    expect(await tableRows('entries')).toEqual(entries);
    const returning = (model: PeriodModel) => model.returningByCookie + model.returningByVisitorId + model.returningByFingerprint;
    expect(await page.$$eval('[data-returning]', (nodes) => nodes.map((node) => [(node as HTMLElement).dataset.returning, node.textContent]))).toEqual([
      ['returning', String(returning(now))],
      ['returningByCookie', String(now.returningByCookie)],
      ['returningByVisitorId', String(now.returningByVisitorId)],
      ['returningByFingerprint', String(now.returningByFingerprint)],
    ]);
    expect(await page.textContent('#returning-share')).toBe(`sessions, ${Math.round((returning(now) / now.visitors) * 100)}% of unique visitors`);
    await page.waitForFunction(() => document.getElementById('realtime')?.dataset.count !== undefined);
    const since = new Date(Date.now() - 4 * 60_000).toISOString().slice(0, 16);
    const realtime = realtimeSessions(periods.today, since);
    expect(await page.textContent('#realtime')).toBe(`${realtime} ${realtime === 1 ? 'visitor' : 'visitors'} in the last 5 minutes`);
    expect(await wrappedCells()).toEqual([]);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-1366x768.png') });
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-1366x768-full.png'), fullPage: true });
  });

  it('fits a phone (390×844): no list text wraps, long paths end in an ellipsis and keep the full path', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForTimeout(300);
    expect(await wrappedCells()).toEqual([]);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    const cut = await page.$$eval('#pages td.label', (cells) =>
      cells.filter((cell) => cell.scrollWidth > cell.clientWidth).map((cell) => ({ title: (cell as HTMLElement).title, text: cell.textContent, overflow: getComputedStyle(cell).textOverflow })),
    );
    expect(cut.length).toBeGreaterThan(0);
    for (const cell of cut) expect(cell).toEqual({ title: cell.text, text: expect.stringMatching(/^\/[a-z/-]{20,}$/), overflow: 'ellipsis' });
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-390x844.png') });
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-390x844-full.png'), fullPage: true });
    await page.setViewportSize({ width: 1366, height: 768 });
  });

  it('downloads the current view as CSV', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#csv')]);
    expect(download.suggestedFilename()).toBe(`edgeprint-${PERIODS}-${TODAY}-${TODAY}.csv`);
    const csv = readFileSync((await download.path())!, 'utf8').split('\r\n');
    const now = modelPeriod(periods.today, periods.yesterday);
    expect(csv[0]).toBe('section,name,metric,value');
    expect(csv).toContain(`total,${TODAY}..${TODAY},visitors,${now.visitors}`);
    expect(csv).toContain(`total,${TODAY}..${TODAY},returningByVisitorId,${now.returningByVisitorId}`);
    expect(csv.filter((row) => row.startsWith('hour,') && row.includes(',pageviews,'))).toHaveLength(24);
    for (const [path, count] of now.entries) expect(csv).toContain(`entries,${path},count,${count}`);
  });

  it('counts a new visit in the realtime count at its next refresh (every 30 s)', async () => {
    const before = Number(await page.getAttribute('#realtime', 'data-count'));
    const response = await collectJson(stack(), { id: 'realtimeVisitor', url: `https://${PERIODS}/just-now` }, { headers: { 'user-agent': AGENTS[2].ua } });
    expect(response.status).toBe(204);
    await stack().queue.drain(60_000);
    await page.waitForFunction((count) => document.getElementById('realtime')?.dataset.count === String(count), before + 1, { timeout: 45_000 });
    expect(await page.textContent('#realtime')).toBe(`${before + 1} visitors in the last 5 minutes`);
  }, 90_000);

  it('meets WCAG AA contrast for its text', async () => {
    const samples = await page.evaluate(() =>
      ['h1', '.status', '.data th', '.data td', '.data td.label .text', '.legend', '.total dt', '.total dd', '.delta', 'summary', 'button[type="submit"]', '.signout button', '.presets button', '#csv', '.realtime', '.returning .share', 'label', '.hint'].map((selector) => {
        const node = document.querySelector(selector);
        if (node === null) return { selector, color: '', background: '' };
        let background = 'rgba(0, 0, 0, 0)';
        for (let current: Element | null = node; current !== null && /rgba\(0, 0, 0, 0\)|transparent/.test(background); current = current.parentElement) {
          background = getComputedStyle(current).backgroundColor;
        }
        return { selector, color: getComputedStyle(node).color, background: /rgba\(0, 0, 0, 0\)/.test(background) ? 'rgb(255, 255, 255)' : background };
      }),
    );
    for (const sample of samples) {
      expect({ selector: sample.selector, found: sample.color !== '' }).toEqual({ selector: sample.selector, found: true });
      expect({ selector: sample.selector, ratio: contrast(sample.color, sample.background) >= 4.5 }).toEqual({ selector: sample.selector, ratio: true });
    }
  });

  it('explains an empty range', async () => {
    await page.fill('#from', '2020-01-01');
    await page.fill('#to', '2020-01-31');
    await page.click('button[type="submit"]');
    await page.waitForFunction(() => document.getElementById('status')?.textContent?.startsWith('No visits counted') === true);
    expect(await page.textContent('#pages tbody')).toBe('Pages appear when the snippet or the edge records a pageview.');
    expect(await page.textContent('#campaigns tbody')).toBe('UTM campaigns appear when links carry utm_campaign.');
  });

  it('says so when the session has expired', async () => {
    await context.clearCookies();
    await page.click('button[type="submit"]');
    await page.waitForSelector('#notice:not([hidden])');
    expect(await page.textContent('#notice')).toContain('Your dashboard session has expired.');
    await page.click('#notice a');
    await page.waitForSelector('input[name="key"]');
  });

  it('made no third-party request and broke no CSP rule', () => {
    expect(watch.foreign).toEqual([]);
    expect(watch.pageErrors).toEqual([]);
    expect(csp).toEqual([]);
  });
});
