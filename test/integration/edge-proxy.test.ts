import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { startLocalStack, type LocalStack } from '../../infra/local/local-stack';
import { listen } from '../../infra/local/server';
import { CHROME_NAVIGATION_HEADERS } from '../helpers/cloudfront';
import { freshSessionId, hitsFor } from '../helpers/local-stack';

/** A small site on loopback: pages, a 404, a 500, an asset; it remembers the headers each request arrived with. */
async function startOrigin(): Promise<{ url: string; received: { path: string; headers: IncomingHttpHeaders }[]; server: Server }> {
  const received: { path: string; headers: IncomingHttpHeaders }[] = [];
  const server = createServer((request, response) => {
    const path = request.url ?? '/';
    received.push({ path, headers: request.headers });
    request.resume();
    if (path.startsWith('/static/')) {
      response.writeHead(200, { 'content-type': 'text/javascript' });
      response.end('console.log(1)');
    } else if (path === '/missing') {
      response.writeHead(404, { 'content-type': 'text/html' });
      response.end('<h1>not here</h1>');
    } else if (path === '/broken') {
      response.writeHead(500, { 'content-type': 'text/html' });
      response.end('<h1>broken</h1>');
    } else {
      // A chunked body, to check that the proxy streams rather than buffers a fixed length.
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'x-origin': 'yes' });
      response.write('<!doctype html><title>page</title>');
      response.end(`<p>${path}</p>`);
    }
  });
  return { url: await listen(server, 0, '127.0.0.1'), received, server };
}

describe('local edge proxy (infra/local/edge-proxy.ts)', () => {
  let origin: Awaited<ReturnType<typeof startOrigin>>;
  let stack: LocalStack;
  let edgeUrl: string;

  beforeAll(async () => {
    origin = await startOrigin();
    stack = await startLocalStack({ demo: false, origin: origin.url, edge: { country: 'DE', asn: 3320 } });
    edgeUrl = stack.edge!.url;
  });
  afterAll(async () => {
    await stack?.close();
    await new Promise((resolve) => origin?.server.close(resolve));
  });

  const page = (path: string, session?: string, extra: Record<string, string> = {}) =>
    fetch(`${edgeUrl}${path}`, { headers: { ...CHROME_NAVIGATION_HEADERS, ...(session === undefined ? {} : { cookie: `ep_sid=${session}` }), ...extra } });

  it('counts a run of page views from several sessions in /v1/hits, successes only', async () => {
    const [a, b, c] = [freshSessionId(), freshSessionId(), freshSessionId()];
    const views: [string, string | undefined, Record<string, string>?][] = [
      ['/page-1', a],
      ['/page-1', a],
      ['/page-2', a],
      ['/page-1', b],
      ['/page-2', b],
      ['/page-1', c],
      ['/page-1', undefined], // no cookie yet: the derived session
      ['/missing', a],
      ['/broken', b],
      ['/static/app.js', a, { 'sec-fetch-dest': 'script', accept: '*/*' }],
      ['/admin/panel', a],
      ['/page-3', undefined, { 'user-agent': 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)' }],
    ];
    for (const [path, session, extra] of views) {
      const response = await page(path, session, extra);
      await response.text();
    }
    await stack.edge!.idle();
    const url = (path: string) => `${edgeUrl}${path}`;
    expect(await hitsFor(stack, ['/page-1', '/page-2', '/page-3', '/missing', '/broken', '/static/app.js', '/admin/panel'].map(url))).toEqual({
      [url('/page-1')]: 4,
      [url('/page-2')]: 2,
      [url('/page-3')]: 0,
      [url('/missing')]: 0,
      [url('/broken')]: 0,
      [url('/static/app.js')]: 0,
      [url('/admin/panel')]: 0,
    });
  });

  it('streams the origin\'s answer back as it is', async () => {
    const ok = await page('/hello?x=1', freshSessionId());
    expect(ok.status).toBe(200);
    expect(ok.headers.get('x-origin')).toBe('yes');
    expect(await ok.text()).toBe('<!doctype html><title>page</title><p>/hello?x=1</p>');
    const missing = await page('/missing');
    expect(missing.status).toBe(404);
    expect(await missing.text()).toBe('<h1>not here</h1>');
  });

  it('gives the origin the edge headers and never the viewer\'s own x-edgeprint-* values', async () => {
    const session = freshSessionId();
    await (await page('/stamped', session, { 'x-edgeprint-session': 'forged', 'X-Edgeprint-Bot': '0' })).text();
    await (await page('/static/site.css', session, { 'sec-fetch-dest': 'style', accept: 'text/css', 'x-edgeprint-fingerprint': 'forged' })).text();
    const stamped = origin.received.find((request) => request.path === '/stamped')!;
    expect(stamped.headers['x-edgeprint-session']).toBe(session);
    expect(stamped.headers['x-edgeprint-session-source']).toBe('cookie');
    expect(stamped.headers['x-edgeprint-bot']).toBe('0');
    expect(stamped.headers['x-edgeprint-fingerprint']).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(stamped.headers['x-edgeprint-fpv']).toBe('1');
    const asset = origin.received.find((request) => request.path === '/static/site.css')!;
    expect(Object.keys(asset.headers).filter((name) => name.startsWith('x-edgeprint-'))).toEqual([]);
  });

  it('serves the API first-party under /_ep, without the edge function', async () => {
    const response = await fetch(`${edgeUrl}/_ep/v1/hits?url=${encodeURIComponent(`${edgeUrl}/page-2`)}`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ counts: { [`${edgeUrl}/page-2`]: 2 } });
    expect(origin.received.some((request) => request.path.startsWith('/_ep'))).toBe(false);
  });
});
