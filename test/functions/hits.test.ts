import { randomUUID } from 'node:crypto';
import { call, collectJson, countItems, hitsFor, sessionFrom, useLocalStack } from '../helpers/local-stack';

interface ErrorBody {
  error: { code: string; message: string; fields?: Record<string, string[]> };
}

describe('GET /v1/hits', () => {
  // Debounce off: a repeat view passes the debounce gate, so "counted once" is the unique-session rule, not the debounce.
  const stack = useLocalStack({ env: { EDGEPRINT_DEBOUNCE_SECONDS: '0' } });
  const pageUrl = (name: string) => `${stack().url}/hits/${name}-${randomUUID().slice(0, 8)}`;
  const query = (urls: string[]) => urls.map((url) => `url=${encodeURIComponent(url)}`).join('&');

  async function pageview(url: string, session?: string): Promise<string | undefined> {
    const response = await collectJson(stack(), { id: 'hitVisitor', url }, { session });
    expect(response.status).toBe(204);
    // Hits are counted by the queue consumer, downstream of the stored record.
    await stack().queue.drain();
    return sessionFrom(response) ?? session;
  }

  async function expectBadRequest(path: string): Promise<ErrorBody> {
    const before = await countItems(stack());
    const response = await call(stack(), path);
    expect(response.status).toBe(400);
    const body = (await response.json()) as ErrorBody;
    expect(body.error.code).toBe('invalid_payload');
    expect(body.error.fields?.url?.length).toBeGreaterThan(0);
    expect(await countItems(stack())).toBe(before);
    return body;
  }

  describe('input rules', () => {
    it('answers 400 without any url', async () => {
      await expectBadRequest('/v1/hits');
      await expectBadRequest('/v1/hits?other=https%3A%2F%2Fsite.example%2F');
    });

    it('answers 200 for 100 urls and 400 for 101', async () => {
      const urls = Array.from({ length: 101 }, (_, index) => `https://site.example/p${index}`);
      const response = await call(stack(), `/v1/hits?${query(urls.slice(0, 100))}`);
      expect(response.status).toBe(200);
      const { counts } = (await response.json()) as { counts: Record<string, number> };
      expect(Object.keys(counts).sort()).toEqual(urls.slice(0, 100).sort());
      expect(Object.values(counts).every((count) => count === 0)).toBe(true);
      await expectBadRequest(`/v1/hits?${query(urls)}`);
    });

    it('accepts a url of 2048 characters and refuses one of 2049', async () => {
      const base = 'https://site.example/';
      const atCap = `${base}${'a'.repeat(2048 - base.length)}`;
      expect(await hitsFor(stack(), [atCap])).toEqual({ [atCap]: 0 });
      await expectBadRequest(`/v1/hits?${query([`${atCap}a`])}`);
      await expectBadRequest(`/v1/hits?${query(['https://site.example/ok', `${atCap}a`])}`);
    });

    it.each(['/relative', 'site.example/x', 'javascript:alert(1)', 'ftp://site.example/', '', 'https://user:pw@site.example/'])(
      'refuses the url %j',
      async (url) => {
        await expectBadRequest(`/v1/hits?${query([url])}`);
      },
    );

    it('answers 405 to POST', async () => {
      const response = await call(stack(), `/v1/hits?${query(['https://site.example/'])}`, { method: 'POST', body: '{}' });
      expect(response.status).toBe(405);
      expect(response.headers.get('allow')).toBe('GET, HEAD, OPTIONS');
    });
  });

  describe('reading', () => {
    it('counts unknown urls 0 and creates nothing', async () => {
      const before = await countItems(stack());
      const urls = Array.from({ length: 50 }, (_, index) => `https://unknown.example/${randomUUID()}/${index}`);
      const counts = await hitsFor(stack(), urls);
      expect(counts).toEqual(Object.fromEntries(urls.map((url) => [url, 0])));
      expect(await countItems(stack())).toBe(before);
    });

    it('does not create anything when reading a counted url either', async () => {
      const url = pageUrl('read-only');
      await pageview(url);
      const before = await countItems(stack());
      expect(await hitsFor(stack(), [url])).toEqual({ [url]: 1 });
      expect(await hitsFor(stack(), [url])).toEqual({ [url]: 1 });
      expect(await countItems(stack())).toBe(before);
    });

    it('answers JSON with Cache-Control public, max-age=30', async () => {
      const response = await call(stack(), `/v1/hits?${query(['https://site.example/'])}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      expect(response.headers.get('cache-control')).toBe('public, max-age=30');
    });

    it('keys the counts by the urls exactly as sent', async () => {
      const url = pageUrl('as-sent');
      await pageview(url);
      const shouted = url.replace('http://', 'HTTP://');
      const dotted = url.replace('/hits/', '/hits/./../hits/');
      expect(dotted).not.toBe(url);
      const counts = await hitsFor(stack(), [shouted, url, dotted]);
      expect(counts).toEqual({ [shouted]: 1, [url]: 1, [dotted]: 1 });
    });

    it('answers one key for a repeated url', async () => {
      const url = pageUrl('repeat');
      await pageview(url);
      const response = await call(stack(), `/v1/hits?${query([url, url])}`);
      expect(await response.json()).toEqual({ counts: { [url]: 1 } });
    });

    it('works for urls containing commas, encoded or raw', async () => {
      const url = `${pageUrl('comma')},part?tags=a,b,c`;
      const other = pageUrl('no-comma');
      await pageview(url);
      expect(await hitsFor(stack(), [url, other])).toEqual({ [url]: 1, [other]: 0 });
      const raw = await call(stack(), `/v1/hits?url=${url.replace('?', '%3F').replace('=', '%3D')}&url=${encodeURIComponent(other)}`);
      expect(raw.status).toBe(200);
      expect(await raw.json()).toEqual({ counts: { [url]: 1, [other]: 0 } });
    });
  });

  describe('a hit is a distinct session that viewed that exact url', () => {
    it('counts two sessions as 2', async () => {
      const url = pageUrl('two-sessions');
      const first = await pageview(url);
      const second = await pageview(url);
      expect(first).not.toBe(second);
      expect(await hitsFor(stack(), [url])).toEqual({ [url]: 2 });
    });

    it('counts the same session twice as 1', async () => {
      const url = pageUrl('same-session');
      const session = await pageview(url);
      await pageview(url, session);
      await pageview(url, session);
      expect(await hitsFor(stack(), [url])).toEqual({ [url]: 1 });
    });

    it('counts a collect pageview and a redirect to the same url in one session as 1', async () => {
      const url = pageUrl('collect-then-redirect');
      const session = await pageview(url);
      const page = await call(stack(), `/v1/r?next=${encodeURIComponent(url)}`, { session });
      expect(page.status).toBe(200);
      expect(await hitsFor(stack(), [url])).toEqual({ [url]: 1 });
    });

    it('counts a redirect and then a collect pageview of its target in one session as 1', async () => {
      const url = pageUrl('redirect-then-collect');
      const page = await call(stack(), `/v1/r?next=${encodeURIComponent(url)}`);
      expect(page.status).toBe(200);
      const session = sessionFrom(page);
      expect(session).toBeDefined();
      await pageview(url, session);
      expect(await hitsFor(stack(), [url])).toEqual({ [url]: 1 });
    });

    it('treats query string, trailing slash and scheme as different pages', async () => {
      const base = pageUrl('variants');
      const variants = [base, `${base}/`, `${base}?x=1`, `${base}?x=2`];
      const session = await pageview(base);
      for (const url of variants.slice(1)) await pageview(url, session);
      const https = base.replace('http://', 'https://');
      expect(await hitsFor(stack(), [...variants, https])).toEqual({
        [variants[0] as string]: 1,
        [variants[1] as string]: 1,
        [variants[2] as string]: 1,
        [variants[3] as string]: 1,
        [https]: 0,
      });
    });

    it('does not count custom events', async () => {
      const url = pageUrl('custom');
      expect((await collectJson(stack(), { url, event: 'signup' })).status).toBe(204);
      expect(await hitsFor(stack(), [url])).toEqual({ [url]: 0 });
    });
  });
});
