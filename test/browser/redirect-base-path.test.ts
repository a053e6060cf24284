import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Response as PlaywrightResponse } from 'playwright-core';
import { listen } from '../../infra/local/server';
import { hitsFor, useLocalStack } from '../helpers/local-stack';
import { launchChromium, type LaunchedChromium } from './chromium';
import { runId, storedRecords, waitFor } from './stored';

/**
 * Issue 12 point 4: the redirect page behind the local edge proxy (the distribution's stand-in),
 * reached first-party at `/_ep/v1/r`. Its snippet, its report and a relative `next` must all stay on
 * the site's origin under `/_ep`; the snippet arrives compressed. Issue 11: `next`'s fragment is not
 * part of what is recorded and counted.
 */

/** The site behind the proxy: a landing page, nothing else. */
let site: Server;
let siteUrl = '';
/** The edge proxy's port, fixed before the stack starts so the site's origin can be configured. */
let edgePort = 0;

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

beforeAll(async () => {
  site = createServer((request, response) => {
    request.resume();
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end('<!doctype html><title>landing</title><p>landed</p>');
  });
  siteUrl = await listen(site, 0, '127.0.0.1');
  edgePort = await freePort();
});

afterAll(async () => {
  await new Promise((resolve) => site?.close(resolve));
});

// The site's origin is configured (as behind CloudFront it must be, for the snippet's reports), so
// the API believes the host the proxy reports and a relative `next` resolves on the site.
const stack = useLocalStack(() => ({ origin: siteUrl, edge: { port: edgePort }, env: { EDGEPRINT_ALLOWED_ORIGINS: `http://127.0.0.1:${edgePort}` } }));
let chromium: LaunchedChromium;

beforeAll(async () => {
  chromium = await launchChromium();
});

afterAll(async () => {
  await chromium?.close();
});

describe('the redirect page behind /_ep (local edge proxy, Chromium)', () => {
  it('loads the snippet compressed from /_ep, reports the fingerprint to /_ep/v1/r, and lands on the relative next', async () => {
    const edge = stack().edge!.url;
    expect(edge).toBe(`http://127.0.0.1:${edgePort}`);
    const page = await chromium.context.newPage();
    const responses: PlaywrightResponse[] = [];
    page.on('response', (response) => responses.push(response));
    // The report is a keepalive fetch the page does not wait for: its request is seen, its answer may not be.
    const posts: string[] = [];
    page.on('request', (request) => {
      if (request.method() === 'POST') posts.push(new URL(request.url()).pathname);
    });
    const run = runId();
    const landing = `${edge}/landing?run=${run}`;
    await page.goto(`${edge}/_ep/v1/r?next=${encodeURIComponent(`/landing?run=${run}#section`)}`);
    await page.waitForURL(`${landing}#section`, { timeout: 10000 });

    const snippet = responses.find((response) => new URL(response.url()).pathname === '/_ep/v1/snippet.js');
    expect(snippet?.status()).toBe(200);
    // Chromium asks for brotli on secure origins, loopback included.
    expect(snippet?.headers()['content-encoding']).toBe('br');
    expect(snippet?.headers().vary).toMatch(/accept-encoding/);
    const sizes = await snippet!.request().sizes();
    expect(sizes.responseBodySize).toBeGreaterThan(0);
    expect(sizes.responseBodySize + sizes.responseHeadersSize).toBeLessThanOrEqual(18 * 1024);
    expect(posts).toEqual(['/_ep/v1/r']);
    expect(responses.filter((response) => response.status() >= 400).map((response) => response.url())).toEqual([]);

    const records = await waitFor(
      () => storedRecords(stack()),
      (all) => all.some((record) => record.url === landing && record.event === 'redirect'),
    );
    const reported = records.find((record) => record.url === landing && record.event === 'redirect');
    expect(reported?.visitorId).toMatch(/^[0-9a-f]{32}$/); // FingerprintJS visitorId
    expect(records.filter((record) => record.url === landing && record.type === 'request_fingerprint').length).toBeGreaterThan(0);
    // Nothing is kept under the API route or with the fragment.
    expect(records.filter((record) => record.url.includes('/v1/r') || record.url.includes('#'))).toEqual([]);
    await stack().edge!.idle();
    // One session: the redirect's hit and the edge's record of the landing navigation count once.
    expect(await hitsFor(stack(), [landing])).toEqual({ [landing]: 1 });
    await page.close();
  });

  it('answers HEAD on the snippet and the redirect page with the length GET sends, through the proxy', async () => {
    const edge = stack().edge!.url;
    for (const path of ['/_ep/v1/snippet.js', `/_ep/v1/r?next=${encodeURIComponent('/landing')}`]) {
      const headers = { 'accept-encoding': 'gzip', 'user-agent': 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)' };
      const get = await fetch(`${edge}${path}`, { headers });
      const bytes = Buffer.from(await get.arrayBuffer());
      const head = await fetch(`${edge}${path}`, { method: 'HEAD', headers });
      expect(head.status).toBe(200);
      expect(head.headers.get('content-encoding')).toBe('gzip');
      // fetch decodes gzip: compare HEAD's length with GET's header, which the bytes decoded from must exceed.
      expect(Number(head.headers.get('content-length'))).toBe(Number(get.headers.get('content-length')));
      expect(Number(head.headers.get('content-length'))).toBeGreaterThan(0);
      expect(bytes.length).toBeGreaterThan(Number(head.headers.get('content-length')));
    }
  });
});
