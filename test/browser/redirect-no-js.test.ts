import { hitsFor, useLocalStack } from '../helpers/local-stack';
import { launchChromium, type LaunchedChromium } from './chromium';
import { runId, storedRecords, waitFor } from './stored';

/**
 * The redirect page (layers/core/src/endpoints/redirect-page.ts) in Chromium with JavaScript off:
 * the meta refresh (3 s) still lands the browser on `next`, and the request fingerprint and the hit
 * are recorded server-side. The JavaScript path is covered in snippet.test.ts.
 */

const stack = useLocalStack({ demo: true });
let chromium: LaunchedChromium;

beforeAll(async () => {
  chromium = await launchChromium({ javaScriptEnabled: false });
});

afterAll(async () => {
  await chromium?.close();
});

describe('renderRedirectPage() without JavaScript', () => {
  it('lands on next through the meta refresh, with the request recorded and the hit counted', async () => {
    const page = await chromium.context.newPage();
    const next = `/demo/alpha?run=${runId()}`;
    const redirectUrl = `${stack().url}/v1/r?next=${encodeURIComponent(next)}`;
    const target = `${stack().url}${next}`;
    const response = await page.goto(redirectUrl);
    expect(response?.status()).toBe(200);
    expect(await page.locator('a').getAttribute('href')).toBe(target);
    // The refresh waits 3 s; the bound leaves room for a loaded CI machine.
    await page.waitForURL(target, { timeout: 10000 });

    const records = await waitFor(
      () => storedRecords(stack()),
      (all) => all.some((record) => record.url === target),
    );
    // The redirect's request record is stored under the page it lands on (issue 11), never the API route.
    const forRedirect = records.filter((record) => record.url === target);
    expect(forRedirect.map((record) => record.type)).toEqual(['request_fingerprint']);
    expect(records.filter((record) => record.url === redirectUrl)).toEqual([]);
    // No script ran: no browser report on either page.
    expect(records.filter((record) => record.type === 'browser_event' && (record.url === redirectUrl || record.url === target))).toEqual([]);
    const session = (await chromium.context.cookies(stack().url)).find((cookie) => cookie.name === 'ep_sid')?.value;
    expect(forRedirect[0]?.sessionId).toBe(session);
    expect(await hitsFor(stack(), [target])).toEqual({ [target]: 1 });
    await page.close();
  });
});
