import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { BrowserContext, Page } from 'playwright-core';
import { buildDashboard } from '../../dashboard/build';
import { expectedDay, planDay, sendDay, type ExpectedSite } from '../helpers/aggregate-traffic';
import { forwardEvent } from '../helpers/forward-event-factory';
import { useLocalStack } from '../helpers/local-stack';
import { launchChromium, type LaunchedChromium } from './chromium';
import { watchPage, type PageWatch } from './page-watch';

/**
 * The dashboard in Debian's Chromium against the real local stack: sign in with the keyboard, see
 * the totals and the chart of a generated day, change the date range, lose the session. Checks no
 * third-party request, no CSP violation and the WCAG AA contrast of the page's text. The
 * screenshot is kept in test-artifacts/ (docs/img/dashboard.png is a copy of one).
 */

// The browser must run the dashboard built from the current source.
beforeAll(() => buildDashboard());
const stack = useLocalStack({ queue: { pollIntervalMs: 3_600_000 }, env: { EDGEPRINT_DEBOUNCE_SECONDS: '0' } });
const ARTIFACTS = join(__dirname, '..', '..', 'test-artifacts');
const SITE = 'alpha.example';
/** Events of four days ago, queued as the collecting handlers queue them: the range change must leave them out. */
const OLD_DAY = new Date(Date.now() - 4 * 86_400_000).toISOString().slice(0, 10);
const TODAY = new Date().toISOString().slice(0, 10);

let chromium: LaunchedChromium;
let context: BrowserContext;
let expected: ExpectedSite;

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
    expect(order).toEqual(['skip', 'site', 'from', 'to', 'Show', 'Sign out']);
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
    // uPlot drew into a canvas of the chart's width, with both series in its legend.
    const chart = await page.$eval('#chart', (node) => ({
      canvas: (node.querySelector('canvas') as HTMLCanvasElement | null)?.width ?? 0,
      legend: Array.from(node.querySelectorAll('.u-legend .u-series .u-label')).map((label) => label.textContent),
    }));
    expect(chart.canvas).toBeGreaterThan(300);
    expect(chart.legend).toEqual(expect.arrayContaining(['Unique visitors', 'Pageviews']));
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

  it('explains an empty range', async () => {
    await page.fill('#from', '2020-01-01');
    await page.fill('#to', '2020-01-31');
    await page.click('button[type="submit"]');
    await page.waitForFunction(() => document.getElementById('status')?.textContent?.startsWith('No visits counted') === true);
    expect(await page.textContent('#pages tbody')).toBe('No pageviews in this range.');
  });

  it('meets WCAG AA contrast for its text', async () => {
    const samples = await page.evaluate(() =>
      ['h1', '.status', '.data th', '.data td', '.u-legend th', '.total dt', '.total dd', 'summary', 'button[type="submit"]', '.signout button', 'label', '.hint'].map((selector) => {
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
