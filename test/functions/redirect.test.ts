import { createHash, randomUUID } from 'node:crypto';
import vm from 'node:vm';
import { BROWSER_UA, call, countItems, hitsFor, scanTable, sessionFrom, useLocalStack } from '../helpers/local-stack';

type Item = Record<string, unknown>;

const ALLOWED_HOST = 'allowed.example';

/** Stored visit records: record items plus the first record kept on each session item. */
import { sessionFirstRecord, sessionFirstTouch } from '../../layers/core/src/store/sessions/session-item';

function visitRecords(items: Item[]): Item[] {
  const records: Item[] = [];
  for (const item of items) {
    if (item.type === 'session' && typeof item.first === 'object' && item.first !== null) records.push(sessionFirstRecord(item) as Item);
    if (item.type === 'browser_event' || item.type === 'request_fingerprint') records.push(item);
  }
  return records;
}

function unescapeHtml(value: string): string {
  return value.replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code))).replace(/&amp;/g, '&');
}

/** Where the page sends a browser: what its inline script passes to `location.replace`, run in node:vm. */
function scriptTarget(html: string): { script: string; targets: string[] } {
  const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((match) => match[1] ?? '');
  expect(scripts).toHaveLength(1);
  const script = scripts[0] ?? '';
  const targets: string[] = [];
  vm.runInNewContext(script, {
    window: {},
    location: { pathname: '/v1/r', replace: (url: string) => targets.push(url) },
    setTimeout: () => undefined,
  });
  return { script, targets };
}

/** The meta refresh fallback's target, HTML-unescaped. */
function refreshTarget(html: string): string | undefined {
  const match = /<meta http-equiv="refresh" content="3;url=([^"]*)">/.exec(html);
  return match === null ? undefined : unescapeHtml(match[1] ?? '');
}

describe('/v1/r (the redirect page)', () => {
  const stack = useLocalStack({ env: { EDGEPRINT_REDIRECT_HOSTS: ALLOWED_HOST } });
  const unique = (name: string) => `/landing/${name}-${randomUUID().slice(0, 8)}`;
  const redirect = (next: string | undefined, options: Parameters<typeof call>[2] = {}) =>
    call(stack(), next === undefined ? '/v1/r' : `/v1/r?next=${encodeURIComponent(next)}`, options);

  /** The page's every way of leaving (script, meta refresh, link, Location) goes to one allowed place. */
  async function expectPageTo(response: Response, target: string): Promise<string> {
    expect(response.status).toBe(200);
    expect(response.headers.get('location')).toBeNull();
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await response.text();
    const { targets } = scriptTarget(html);
    expect(targets).toEqual([target]);
    expect(refreshTarget(html)).toBe(target);
    const origin = new URL(target).origin;
    expect(origin === stack().url || new URL(target).host === ALLOWED_HOST).toBe(true);
    return html;
  }

  /** A refused `next`: JSON 400 with code invalid_redirect, and nothing that could move a browser. */
  async function expectRefused(response: Response): Promise<void> {
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
    expect(response.headers.get('refresh')).toBeNull();
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const body = (await response.json()) as { error: { code: string; message: string; fields: Record<string, string[]> } };
    expect(body.error.code).toBe('invalid_redirect');
    expect(body.error.message.length).toBeGreaterThan(0);
    expect(body.error.fields.next?.length).toBeGreaterThan(0);
  }

  describe('GET', () => {
    it('answers 200 text/html whose script evaluates next=/p?a=1&b=2 to exactly /p?a=1&b=2 on the request origin', async () => {
      const response = await redirect('/p?a=1&b=2');
      const html = await expectPageTo(response, `${stack().url}/p?a=1&b=2`);
      expect(html).toContain(`<meta http-equiv="refresh" content="3;url=${stack().url}/p?a=1&#38;b=2">`);
      expect(html).not.toContain('a=1&b=2');
      expect(html).not.toContain('&amp;');
    });

    it('sends a CSP that allows only the inline script (by its sha256) and the snippet', async () => {
      const response = await redirect('/csp');
      const csp = response.headers.get('content-security-policy') ?? '';
      const html = await response.text();
      const { script } = scriptTarget(html);
      const hash = createHash('sha256').update(script, 'utf8').digest('base64');
      const scriptSrc = csp.split(';').map((part) => part.trim()).find((part) => part.startsWith('script-src '));
      expect(scriptSrc).toBe(`script-src 'sha256-${hash}' 'self'`);
      expect(html).toContain('<script src="/v1/snippet.js"></script>');
      expect(csp).toContain("default-src 'none'");
      expect(csp).not.toContain('unsafe-inline');
    });

    it('sends a missing next to the root of the request origin', async () => {
      await expectPageTo(await redirect(undefined), `${stack().url}/`);
    });

    it('resolves relative references against the request origin', async () => {
      await expectPageTo(await redirect('deep/page?x=1'), `${stack().url}/deep/page?x=1`);
      await expectPageTo(await redirect('../../up'), `${stack().url}/up`);
      await expectPageTo(await redirect('?only=query'), `${stack().url}/?only=query`);
    });

    it('sends the browser to an allowed host, in upper case too', async () => {
      await expectPageTo(await redirect('https://allowed.example/x?y=1'), 'https://allowed.example/x?y=1');
      await expectPageTo(await redirect('HTTPS://ALLOWED.EXAMPLE/x'), 'https://allowed.example/x');
      await expectPageTo(await redirect('//allowed.example/p'), 'http://allowed.example/p');
    });

    it('keeps a percent-encoded tab, slash or backslash as a same-origin path', async () => {
      await expectPageTo(await redirect('/%09/evil.com'), `${stack().url}/%09/evil.com`);
      await expectPageTo(await redirect('/%2F%2Fevil.com'), `${stack().url}/%2F%2Fevil.com`);
      await expectPageTo(await redirect('/%5Cevil.com'), `${stack().url}/%5Cevil.com`);
    });

    it.each([
      '/</script><script>alert(1)</script>',
      '/<!--<script>alert(1)//',
      '/x?q="><img src=x onerror=alert(1)>',
      "/x'-alert(1)-'",
      '/x?u=\u2028\u2029',
    ])('cannot be broken out of with %j', async (next) => {
      const target = new URL(next, stack().url).href;
      const html = await expectPageTo(await redirect(next), target);
      expect(html.match(/<script/g)).toHaveLength(2);
      expect(html.match(/<\/script>/g)).toHaveLength(2);
      expect(html).not.toContain('<!--');
      expect(html).not.toContain('<img');
    });
  });

  describe('hostile next', () => {
    it.each([
      'https://evil.com/',
      'http://evil.com',
      'https://allowed.example.evil.com/',
      'https://allowed.example@evil.com',
      'https://allowed.example:8443/',
      '//evil.com',
      '//evil.com:443',
      '///evil.com',
      'https:evil.com',
      'javascript:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      'mailto:a@evil.com',
      'ftp://allowed.example/',
      '/\\evil.com',
      '\\\\evil.com',
      '/\t/evil.com',
      '/\n/evil.com',
      '\r\n//evil.com',
    ])('refuses %j with 400 invalid_redirect', async (next) => {
      await expectRefused(await redirect(next));
    });

    it('refuses a raw (not double-encoded) %09 and an empty next', async () => {
      await expectRefused(await call(stack(), '/v1/r?next=/%09/evil.com'));
      await expectRefused(await call(stack(), '/v1/r?next=%2F%2Fevil.com'));
      await expectRefused(await call(stack(), '/v1/r?next='));
    });

    it('still records the request fingerprint (url = the request URL) but counts no hit', async () => {
      const path = `/v1/r?next=${encodeURIComponent('//evil.com')}&probe=${randomUUID()}`;
      const response = await call(stack(), path);
      await expectRefused(response);
      expect(sessionFrom(response)).toBeDefined();
      const items = await scanTable(stack());
      const records = visitRecords(items).filter((record) => record.url === `${stack().url}${path}`);
      expect(records).toHaveLength(1);
      expect(records[0]?.type).toBe('request_fingerprint');
      const counters = items.filter((item) => item.type === 'hit_counter');
      for (const counter of counters) expect(new URL(String(counter.url)).host).not.toMatch(/evil/);
    });
  });

  it('answers HEAD with the headers of the page and no body', async () => {
    const response = await call(stack(), `/v1/r?next=${encodeURIComponent('/head')}`, { method: 'HEAD' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toContain("script-src 'sha256-");
    expect(await response.text()).toBe('');
  });

  it.each(['PUT', 'PATCH', 'DELETE'])('answers %s with 405 and Allow, recording nothing', async (method) => {
    const before = await countItems(stack());
    const response = await call(stack(), `/v1/r?next=${encodeURIComponent('/put')}`, {
      method,
      body: JSON.stringify({ id: 'v1', url: `${stack().url}/put` }),
      headers: { 'content-type': 'text/plain' },
    });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, HEAD, POST, OPTIONS');
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('method_not_allowed');
    expect(sessionFrom(response)).toBeUndefined();
    expect(await countItems(stack())).toBe(before);
  });

  describe('POST', () => {
    it('accepts a browser fingerprint exactly like collect', async () => {
      const url = `${stack().url}${unique('post')}`;
      const response = await call(stack(), '/v1/r', {
        method: 'POST',
        body: JSON.stringify({ id: 'redirectVisitor', url, confidence: 0.7 }),
        headers: { 'content-type': 'text/plain;charset=UTF-8' },
      });
      expect(response.status).toBe(204);
      expect(sessionFrom(response)).toMatch(/^[A-Za-z0-9_-]{22}$/);
      const records = visitRecords(await scanTable(stack())).filter((record) => record.url === url);
      expect(records).toEqual([expect.objectContaining({ type: 'browser_event', visitorId: 'redirectVisitor', confidence: 0.7, event: 'pageview' })]);
    });

    it('validates like collect', async () => {
      const before = await countItems(stack());
      const response = await call(stack(), '/v1/r', {
        method: 'POST',
        body: JSON.stringify({ id: 'bad id!', url: `${stack().url}/x` }),
        headers: { 'content-type': 'application/json' },
      });
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: { fields: Record<string, string[]> } }).error.fields).toHaveProperty('id');
      expect(await countItems(stack())).toBe(before);
    });
  });

  describe('hits for the resolved target', () => {
    it('counts one hit per session for the resolved absolute target', async () => {
      const next = unique('hit');
      const target = `${stack().url}${next}`;
      const first = await redirect(next);
      expect(first.status).toBe(200);
      const session = sessionFrom(first);
      expect(session).toBeDefined();
      expect(await hitsFor(stack(), [target])).toEqual({ [target]: 1 });
      expect((await redirect(next, { session })).status).toBe(200);
      expect(await hitsFor(stack(), [target])).toEqual({ [target]: 1 });
      expect((await redirect(next)).status).toBe(200);
      expect(await hitsFor(stack(), [target])).toEqual({ [target]: 2 });
    });

    // Issue 11: `next`'s fragment is not part of the hit key, as the snippet reports a landing page.
    it('counts and records next=/a#x as a visit of /a, while the browser still lands on /a#x', async () => {
      const next = unique('fragment');
      const target = `${stack().url}${next}`;
      const first = await redirect(`${next}#x`);
      await expectPageTo(first, `${target}#x`);
      const session = sessionFrom(first);
      expect(await hitsFor(stack(), [target, `${target}#x`])).toEqual({ [target]: 1, [`${target}#x`]: 0 });
      // The same session landing on /a without a fragment is the same page: still one hit.
      expect((await redirect(next, { session })).status).toBe(200);
      expect(await hitsFor(stack(), [target])).toEqual({ [target]: 1 });
      const records = visitRecords(await scanTable(stack())).filter((record) => record.sessionId === session);
      expect(records.length).toBeGreaterThan(0);
      expect(records.map((record) => record.url)).toEqual(records.map(() => target));
    });

    it('records the page\'s own browser report (POST /v1/r naming the redirect page) under the landing page', async () => {
      const next = unique('report');
      const target = `${stack().url}${next}`;
      const pageUrl = `${stack().url}/v1/r?next=${encodeURIComponent(`${next}#frag`)}`;
      const response = await call(stack(), '/v1/r', {
        method: 'POST',
        body: JSON.stringify({ id: 'landingVisitor', url: pageUrl, event: 'redirect' }),
        headers: { 'content-type': 'text/plain;charset=UTF-8' },
      });
      expect(response.status).toBe(204);
      const records = visitRecords(await scanTable(stack())).filter((record) => record.visitorId === 'landingVisitor');
      expect(records).toEqual([expect.objectContaining({ type: 'browser_event', event: 'redirect', url: target })]);
    });

    it('keeps the reported URL when the report names a redirect page whose next is refused', async () => {
      const pageUrl = `${stack().url}/v1/r?next=${encodeURIComponent('https://evil.example/x')}`;
      const response = await call(stack(), '/v1/r', {
        method: 'POST',
        body: JSON.stringify({ id: 'refusedVisitor', url: pageUrl, event: 'redirect' }),
        headers: { 'content-type': 'text/plain;charset=UTF-8' },
      });
      expect(response.status).toBe(204);
      const records = visitRecords(await scanTable(stack())).filter((record) => record.visitorId === 'refusedVisitor');
      expect(records).toEqual([expect.objectContaining({ url: pageUrl })]);
    });

    it('counts a hit for an allowed-host target', async () => {
      const target = `https://allowed.example${unique('allowed')}`;
      expect((await redirect(target)).status).toBe(200);
      expect(await hitsFor(stack(), [target])).toEqual({ [target]: 1 });
    });

    it('counts nothing for bots, which still get the page', async () => {
      const before = await countItems(stack());
      const next = unique('bot');
      const response = await redirect(next, { headers: { 'user-agent': 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)' } });
      await expectPageTo(response, `${stack().url}${next}`);
      expect(sessionFrom(response)).toBeUndefined();
      expect(await countItems(stack())).toBe(before);
    });
  });

  describe('the request fingerprint record', () => {
    it('stores the capped signal headers, a truncated IP, the country and the landing page as its URL', async () => {
      const next = `${unique('fp')}?utm_source=mail&utm_campaign=launch`;
      const path = `/v1/r?next=${encodeURIComponent(next)}`;
      const longUa = `${BROWSER_UA} ${'x'.repeat(600)}`;
      const response = await call(stack(), path, {
        headers: {
          'user-agent': longUa,
          accept: 'text/html,application/xhtml+xml',
          'accept-language': `en-GB,${'en;q=0.9,'.repeat(40)}`,
          'accept-encoding': 'gzip, br',
          referer: 'https://news.example/story',
          'sec-ch-ua': '"Chromium";v="131"',
          'sec-ch-ua-mobile': '?0',
          'sec-ch-ua-platform': '"Linux"',
          'cloudfront-viewer-country': 'de',
          authorization: 'Bearer secret-token',
          'x-unrelated': 'nope',
        },
      });
      expect(response.status).toBe(200);
      const session = sessionFrom(response);
      const items = await scanTable(stack());
      const sessionItem = items.find((item) => item.type === 'session' && item.sessionId === session);
      const record = sessionItem === undefined ? undefined : (sessionFirstRecord(sessionItem) as Item | undefined);
      expect(record).toMatchObject({
        type: 'request_fingerprint',
        // The page the browser lands on, not the API route (issue 11): the dashboard shows it there.
        url: `${stack().url}${next}`,
        ip: '127.0.0.0',
        country: 'DE',
        fpv: 1,
        sessionId: session,
      });
      expect(record?.fp).toMatch(/^[A-Za-z0-9_-]{22}$/);
      const headers = record?.headers as Record<string, string>;
      expect(Object.keys(headers).sort()).toEqual(
        ['accept', 'accept-encoding', 'accept-language', 'referer', 'sec-ch-ua', 'sec-ch-ua-mobile', 'sec-ch-ua-platform', 'user-agent'].sort(),
      );
      expect(headers['user-agent']).toBe(longUa.slice(0, 512));
      expect(headers['accept-language']).toHaveLength(256);
      expect(headers.referer).toBe('https://news.example/story');
      const storedIps = visitRecords(items).map((item) => item.ip);
      expect(storedIps.length).toBeGreaterThan(0);
      expect(storedIps.filter((ip) => ip !== '127.0.0.0')).toEqual([]);
      expect(JSON.stringify(items).includes('secret-token')).toBe(false);
      // The landing page is now the first record's url, so the item stores it once (sessionFirstTouch puts it back).
      expect(sessionItem === undefined ? undefined : sessionFirstTouch(sessionItem)).toEqual({
        landingUrl: `${stack().url}${next}`,
        referrer: 'https://news.example/story',
        utmSource: 'mail',
        utmCampaign: 'launch',
      });
    });

    it('gives the navigation and a later beacon of the same browser the same fingerprint id', async () => {
      const next = unique('same-fp');
      const first = await redirect(next, { headers: { accept: 'text/html' } });
      const session = sessionFrom(first);
      const url = `${stack().url}${unique('beacon')}`;
      await call(stack(), '/v1/collect', {
        method: 'POST',
        session,
        body: JSON.stringify({ id: 'v1', url }),
        headers: { 'content-type': 'text/plain', accept: '*/*', referer: url },
      });
      const records = visitRecords(await scanTable(stack())).filter((record) => record.sessionId === session);
      expect(records).toHaveLength(2);
      expect(records[0]?.fp).toBeDefined();
      expect(records[0]?.fp).toBe(records[1]?.fp);
    });
  });
});
