import { sessionFirstTouch } from '../../layers/core/src/store/sessions/session-item';
import { request as httpRequest } from 'node:http';
import { randomUUID } from 'node:crypto';
import { BROWSER_UA, call, collectJson, countItems, hitsFor, scanTable, sessionFrom, useLocalStack } from '../helpers/local-stack';

type Item = Record<string, unknown>;

/** Stored visit records: record items plus the first record kept on each session item. */
function visitRecords(items: Item[]): Item[] {
  const records: Item[] = [];
  for (const item of items) {
    if (item.type === 'session' && typeof item.first === 'object' && item.first !== null) records.push(item.first as Item);
    if (item.type === 'browser_event' || item.type === 'request_fingerprint') records.push(item);
  }
  return records;
}

/** A POST without any User-Agent header (fetch always adds one). */
function postWithoutUserAgent(base: string, path: string, body: string): Promise<{ status: number; setCookie: string[] }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'text/plain' } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, setCookie: res.headers['set-cookie'] ?? [] }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('POST /v1/collect', () => {
  const stack = useLocalStack();
  const pageUrl = (name: string) => `${stack().url}/collect/${name}-${randomUUID().slice(0, 8)}`;

  async function recordsFor(url: string): Promise<Item[]> {
    return visitRecords(await scanTable(stack())).filter((record) => record.url === url);
  }

  /** Sends an invalid body and checks the 400 shape, the field named, and that nothing was stored. */
  async function expectRejected(body: unknown, field: string, options: { raw?: boolean; contentType?: string } = {}): Promise<void> {
    const before = await countItems(stack());
    const response = await call(stack(), '/v1/collect', {
      method: 'POST',
      body: options.raw === true ? (body as string) : JSON.stringify(body),
      headers: { 'content-type': options.contentType ?? 'application/json' },
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const payload = (await response.json()) as { error: { code: string; message: string; fields: Record<string, string[]> } };
    expect(Object.keys(payload)).toEqual(['error']);
    expect(payload.error.code).toBe('invalid_payload');
    expect(typeof payload.error.message).toBe('string');
    expect(Object.keys(payload.error.fields)).toContain(field);
    for (const messages of Object.values(payload.error.fields)) {
      expect(messages.length).toBeGreaterThan(0);
      for (const message of messages) expect(message).not.toMatch(/\bat .+\(.+:\d+:\d+\)/);
    }
    expect(sessionFrom(response)).toBeUndefined();
    expect(await countItems(stack())).toBe(before);
  }

  describe('content types', () => {
    it('accepts application/json', async () => {
      const url = pageUrl('json');
      const response = await call(stack(), '/v1/collect', {
        method: 'POST',
        body: JSON.stringify({ id: 'visitorJson', url }),
        headers: { 'content-type': 'application/json; charset=utf-8' },
      });
      expect(response.status).toBe(204);
      expect(await response.text()).toBe('');
      const [record] = await recordsFor(url);
      expect(record).toMatchObject({ visitorId: 'visitorJson', event: 'pageview', url });
    });

    it('accepts text/plain holding JSON (what sendBeacon sends)', async () => {
      const url = pageUrl('beacon');
      expect((await collectJson(stack(), { id: 'visitorBeacon', url })).status).toBe(204);
      expect(await recordsFor(url)).toEqual([expect.objectContaining({ visitorId: 'visitorBeacon', event: 'pageview' })]);
    });

    it("accepts the seed's form post with the single field id, taking the url from the Referer", async () => {
      const url = pageUrl('form');
      const response = await call(stack(), '/v1/collect', {
        method: 'POST',
        body: 'id=visitorForm',
        headers: { 'content-type': 'application/x-www-form-urlencoded', referer: url },
      });
      expect(response.status).toBe(204);
      expect(await recordsFor(url)).toEqual([expect.objectContaining({ visitorId: 'visitorForm', event: 'pageview', url })]);
    });

    it('answers 415 for other content types and stores nothing', async () => {
      const before = await countItems(stack());
      const response = await call(stack(), '/v1/collect', {
        method: 'POST',
        body: '--b\r\nContent-Disposition: form-data; name="id"\r\n\r\nx\r\n--b--',
        headers: { 'content-type': 'multipart/form-data; boundary=b' },
      });
      expect(response.status).toBe(415);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('unsupported_media_type');
      expect(await countItems(stack())).toBe(before);
    });

    it('rejects malformed JSON, an empty body and non-object JSON with 400', async () => {
      await expectRejected('{"id": "abc",', 'body', { raw: true });
      await expectRejected('', 'body', { raw: true, contentType: 'text/plain' });
      await expectRejected(['id', 'abc'], 'body');
      await expectRejected('"just a string"', 'body', { raw: true });
      await expectRejected('null', 'body', { raw: true });
    });
  });

  describe('field rules', () => {
    it('accepts an id of 1 to 64 characters of [A-Za-z0-9_-]', async () => {
      for (const id of ['a', 'A-z_0-9', 'x'.repeat(64)]) {
        const url = pageUrl('id-ok');
        expect((await collectJson(stack(), { id, url })).status).toBe(204);
        expect((await recordsFor(url))[0]?.visitorId).toBe(id);
      }
    });

    it.each([['x'.repeat(65)], [''], ['has space'], ['dot.ted'], ['slash/'], ['ümlaut'], ['<script>'], [42], [null]])(
      'rejects the id %j',
      async (id) => {
        await expectRejected({ id, url: pageUrl('id-bad') }, 'id');
      },
    );

    it('takes the url from the Referer header when the body has none', async () => {
      const url = pageUrl('referer');
      expect((await collectJson(stack(), { id: 'v1' }, { headers: { referer: url } })).status).toBe(204);
      expect(await recordsFor(url)).toHaveLength(1);
    });

    it('prefers the body url over the Referer', async () => {
      const url = pageUrl('body-url');
      const referer = pageUrl('ignored-referer');
      expect((await collectJson(stack(), { id: 'v1', url }, { headers: { referer } })).status).toBe(204);
      expect(await recordsFor(url)).toHaveLength(1);
      expect(await recordsFor(referer)).toHaveLength(0);
    });

    it('rejects a request with neither url nor Referer', async () => {
      await expectRejected({ id: 'v1' }, 'url');
    });

    it.each([
      ['/relative'],
      ['javascript:alert(1)'],
      ['ftp://site.example/'],
      ['https://user:pw@site.example/'],
      [`https://site.example/${'a'.repeat(2048)}`],
      [123],
      [null],
    ])('rejects the url %j', async (url) => {
      await expectRejected({ id: 'v1', url }, 'url');
    });

    it('accepts custom event names of [a-z0-9_]{1,40} and counts no hit for them', async () => {
      const url = pageUrl('event');
      expect((await collectJson(stack(), { id: 'v1', url, event: 'signup_2' })).status).toBe(204);
      expect((await collectJson(stack(), { id: 'v1', url, event: 'e'.repeat(40) })).status).toBe(204);
      const events = (await recordsFor(url)).map((record) => record.event).sort();
      expect(events).toEqual(['e'.repeat(40), 'signup_2']);
      expect(await hitsFor(stack(), [url])).toEqual({ [url]: 0 });
    });

    it.each([['Signup'], ['sign-up'], ['sign up'], ['e'.repeat(41)], [''], [7]])('rejects the event name %j', async (event) => {
      await expectRejected({ id: 'v1', url: pageUrl('event-bad'), event }, 'event');
    });

    it('accepts flat props of strings, numbers and booleans, up to 25 keys and 100-character strings', async () => {
      const url = pageUrl('props');
      const props: Record<string, string | number | boolean> = { plan: 'p'.repeat(100), seats: 3, ratio: 0.5, trial: false };
      for (let index = 0; Object.keys(props).length < 25; index += 1) props[`k${index}`] = index;
      expect((await collectJson(stack(), { id: 'v1', url, event: 'purchase', props })).status).toBe(204);
      expect((await recordsFor(url))[0]?.props).toEqual(props);
    });

    it('rejects more than 25 props', async () => {
      const props = Object.fromEntries(Array.from({ length: 26 }, (_, index) => [`k${index}`, index]));
      await expectRejected({ id: 'v1', url: pageUrl('props-many'), event: 'e', props }, 'props');
    });

    it.each([
      [{ nested: { a: 1 } }],
      [{ list: [1, 2] }],
      [{ empty: null }],
      [{ long: 'x'.repeat(101) }],
      [{ ['k'.repeat(41)]: 1 }],
      [['not', 'an', 'object']],
      ['string'],
    ])('rejects the props %j', async (props) => {
      await expectRejected({ id: 'v1', url: pageUrl('props-bad'), event: 'e', props }, 'props');
    });

    // Issue 11: these passed the schema, then failed every write with a 503 and Retry-After (lib-dynamodb refuses them).
    it.each([[2 ** 53], [9007199254740993], [-(2 ** 53)], [1e20]])('refuses the prop number %p (beyond 2^53 - 1) with a 400 naming props, not a 503', async (value) => {
      await expectRejected(`{"id":"v1","url":"${pageUrl('props-unsafe')}","event":"e","props":{"a":${value}}}`, 'props', { raw: true });
    });

    it('stores the largest exact numbers, and the smallest DynamoDB keeps, exactly', async () => {
      const url = pageUrl('props-exact');
      const props = { max: Number.MAX_SAFE_INTEGER, min: -Number.MAX_SAFE_INTEGER, tiny: 1e-130, float: 0.1 + 0.2 };
      expect((await collectJson(stack(), { id: 'v1', url, event: 'e', props })).status).toBe(204);
      expect((await recordsFor(url))[0]?.props).toEqual(props);
    });

    it('refuses a lone surrogate (not Unicode text, not storable) with a 400 naming the field', async () => {
      await expectRejected(`{"id":"v1","url":"${pageUrl('surrogate')}","event":"e","props":{"a":"\\ud800"}}`, 'props', { raw: true });
      await expectRejected(`{"id":"v1","url":"${pageUrl('surrogate')}","title":"x\\udc00"}`, 'title', { raw: true });
    });

    it('accepts a confidence from 0 to 1', async () => {
      for (const confidence of [0, 0.5, 1]) {
        const url = pageUrl('confidence');
        expect((await collectJson(stack(), { id: 'v1', url, confidence })).status).toBe(204);
        expect((await recordsFor(url))[0]?.confidence).toBe(confidence);
      }
    });

    it('accepts a numeric confidence sent as form text', async () => {
      const url = pageUrl('confidence-form');
      const response = await call(stack(), '/v1/collect', {
        method: 'POST',
        body: `id=v1&url=${encodeURIComponent(url)}&confidence=0.25`,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      expect(response.status).toBe(204);
      expect((await recordsFor(url))[0]?.confidence).toBe(0.25);
    });

    it.each([[-0.01], [1.01], [100], ['high'], [null], [''], [true], [[]], [[0.5]], ['0x1']])('rejects the confidence %j', async (confidence) => {
      await expectRejected({ id: 'v1', url: pageUrl('confidence-bad'), confidence }, 'confidence');
    });

    it('caps every other string: title at 512 and ref at 2048 characters', async () => {
      await expectRejected({ id: 'v1', url: pageUrl('title'), title: 't'.repeat(513) }, 'title');
      await expectRejected({ id: 'v1', url: pageUrl('ref'), ref: `https://ref.example/${'r'.repeat(2048)}` }, 'ref');
      const url = pageUrl('caps-ok');
      const response = await collectJson(stack(), { id: 'v1', url, title: 't'.repeat(512), ref: 'https://ref.example/' });
      expect(response.status).toBe(204);
      expect((await recordsFor(url))[0]).toMatchObject({ title: 't'.repeat(512), referrer: 'https://ref.example/' });
    });

    it('takes the client IP from the connection, never from a client-sent X-Forwarded-For', async () => {
      const url = pageUrl('xff');
      const response = await collectJson(stack(), { id: 'v1', url }, { headers: { 'x-forwarded-for': '198.51.100.23' } });
      expect(response.status).toBe(204);
      expect((await recordsFor(url))[0]?.ip).toBe('127.0.0.0');
    });

    it('ignores unknown fields', async () => {
      const url = pageUrl('unknown');
      const response = await collectJson(stack(), { id: 'v1', url, unknownField: 'x', sessionId: 'forged', ip: '1.2.3.4' });
      expect(response.status).toBe(204);
      const [record] = await recordsFor(url);
      expect(record).toBeDefined();
      expect(record).not.toHaveProperty('unknownField');
      expect(record?.sessionId).not.toBe('forged');
      expect(record?.ip).toBe('127.0.0.0');
    });

    it('rejects __proto__ and constructor keys, at the top level and in props', async () => {
      const url = pageUrl('proto');
      await expectRejected(`{"id":"v1","url":"${url}","__proto__":{"polluted":true}}`, '__proto__', { raw: true });
      await expectRejected(`{"id":"v1","url":"${url}","constructor":{"prototype":{"polluted":true}}}`, 'constructor', { raw: true });
      await expectRejected(`{"id":"v1","url":"${url}","event":"e","props":{"__proto__":"x"}}`, '__proto__', { raw: true });
      await expectRejected(`id=v1&url=${encodeURIComponent(url)}&__proto__=x`, '__proto__', {
        raw: true,
        contentType: 'application/x-www-form-urlencoded',
      });
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });
  });

  describe('body size', () => {
    function bodyOfSize(bytes: number, url: string): string {
      const base = JSON.stringify({ id: 'v1', url, pad: '' });
      return JSON.stringify({ id: 'v1', url, pad: 'p'.repeat(bytes - base.length) });
    }

    it('accepts a body of exactly 16 KiB', async () => {
      const url = pageUrl('size-ok');
      const body = bodyOfSize(16 * 1024, url);
      expect(Buffer.byteLength(body)).toBe(16384);
      const response = await call(stack(), '/v1/collect', { method: 'POST', body, headers: { 'content-type': 'text/plain' } });
      expect(response.status).toBe(204);
    });

    it('answers 413 for a body over 16 KiB and stores nothing', async () => {
      const before = await countItems(stack());
      const body = bodyOfSize(16 * 1024 + 1, pageUrl('size-big'));
      const response = await call(stack(), '/v1/collect', { method: 'POST', body, headers: { 'content-type': 'text/plain' } });
      expect(response.status).toBe(413);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('payload_too_large');
      expect(await countItems(stack())).toBe(before);
    });
  });

  describe('session cookie', () => {
    it('answers 204 and sets ep_sid when the request has none', async () => {
      const response = await collectJson(stack(), { id: 'v1', url: pageUrl('cookie') });
      expect(response.status).toBe(204);
      const [cookie, ...rest] = response.headers.getSetCookie();
      expect(rest).toEqual([]);
      const attributes = (cookie ?? '').split(';').map((part) => part.trim());
      expect(attributes[0]).toMatch(/^ep_sid=[A-Za-z0-9_-]{22}$/);
      expect(attributes.slice(1).sort()).toEqual(['HttpOnly', 'Max-Age=2592000', 'Path=/', 'SameSite=Lax']);
    });

    it('does not set ep_sid again when the request carries one', async () => {
      const first = await collectJson(stack(), { id: 'v1', url: pageUrl('cookie-1') });
      const session = sessionFrom(first);
      expect(session).toBeDefined();
      const url = pageUrl('cookie-2');
      const second = await collectJson(stack(), { id: 'v1', url }, { session });
      expect(second.status).toBe(204);
      expect(second.headers.getSetCookie()).toEqual([]);
      expect((await recordsFor(url))[0]?.sessionId).toBe(session);
    });
  });

  describe('bots', () => {
    it.each([
      ['Googlebot', 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)'],
      ['curl', 'curl/8.5.0'],
      ['python-requests', 'python-requests/2.32.3'],
      ['HeadlessChrome', 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36'],
      ['blank', '   '],
    ])('answers %s with 204 and stores nothing', async (_name, userAgent) => {
      const before = await countItems(stack());
      const url = pageUrl('bot');
      const response = await collectJson(stack(), { id: 'botVisitor', url }, { headers: { 'user-agent': userAgent } });
      expect(response.status).toBe(204);
      expect(sessionFrom(response)).toBeUndefined();
      expect(await countItems(stack())).toBe(before);
      expect(await hitsFor(stack(), [url])).toEqual({ [url]: 0 });
    });

    it('answers a request without a User-Agent with 204 and stores nothing', async () => {
      const before = await countItems(stack());
      const url = pageUrl('no-ua');
      const response = await postWithoutUserAgent(stack().url, '/v1/collect', JSON.stringify({ id: 'noUa', url }));
      expect(response.status).toBe(204);
      expect(response.setCookie).toEqual([]);
      expect(await countItems(stack())).toBe(before);
    });

    it('still validates bot requests (a bot gets no different answer to bad input)', async () => {
      const response = await collectJson(stack(), { id: 'bad id', url: pageUrl('bot-bad') }, { headers: { 'user-agent': 'curl/8.5.0' } });
      expect(response.status).toBe(400);
    });
  });

  describe('Global Privacy Control', () => {
    it('with the default gpcMode anonymous stores only the url, session and that it was counted, and counts the hit', async () => {
      const url = pageUrl('gpc');
      const response = await collectJson(
        stack(),
        { id: 'gpcVisitor', url, confidence: 0.9, title: 'Private title', ref: 'https://referrer.example/from', props: { plan: 'pro' } },
        { headers: { 'sec-gpc': '1', 'accept-language': 'de-DE' } },
      );
      expect(response.status).toBe(204);
      const [record, ...rest] = await recordsFor(url);
      expect(rest).toEqual([]);
      expect(record).toMatchObject({ url, event: 'pageview', gpc: true });
      for (const field of ['visitorId', 'confidence', 'fp', 'fpv', 'ip', 'headers', 'country', 'title', 'referrer', 'props']) {
        expect(record).not.toHaveProperty(field);
      }
      const stored = JSON.stringify(await scanTable(stack()));
      for (const text of ['Private title', 'referrer.example', 'pro"', 'de-DE']) expect(stored).not.toContain(text);
      const items = await scanTable(stack());
      expect(JSON.stringify(items)).not.toContain('gpcVisitor');
      expect(await hitsFor(stack(), [url])).toEqual({ [url]: 1 });
    });

    it('fingerprints a request without Sec-GPC', async () => {
      const url = pageUrl('no-gpc');
      expect((await collectJson(stack(), { id: 'plainVisitor', url })).status).toBe(204);
      const [record] = await recordsFor(url);
      expect(record).toMatchObject({ visitorId: 'plainVisitor', fpv: 1, ip: '127.0.0.0' });
      expect(record?.fp).toMatch(/^[A-Za-z0-9_-]{22}$/);
      expect(record).not.toHaveProperty('gpc');
      expect((record?.headers as Record<string, string>)['user-agent']).toBe(BROWSER_UA);
    });
  });

  describe('first-touch attribution', () => {
    it('stores the landing url, referrer and campaign parameters on the session and never overwrites them', async () => {
      const landing = `${pageUrl('landing')}?utm_source=news&utm_medium=email&utm_campaign=spring&utm_term=shoes&utm_content=top&gclid=G1&fbclid=F1`;
      const first = await collectJson(stack(), { id: 'v1', url: landing, ref: 'https://news.example/story' });
      expect(first.status).toBe(204);
      const session = sessionFrom(first);
      expect(session).toBeDefined();
      const expected = {
        landingUrl: landing,
        referrer: 'https://news.example/story',
        utmSource: 'news',
        utmMedium: 'email',
        utmCampaign: 'spring',
        utmTerm: 'shoes',
        utmContent: 'top',
        gclid: 'G1',
        fbclid: 'F1',
      };
      const sessionItem = async () => (await scanTable(stack())).find((item) => item.type === 'session' && item.sessionId === session);
      expect(sessionFirstTouch((await sessionItem()) ?? {})).toEqual(expected);

      const later = `${pageUrl('later')}?utm_source=ads&utm_campaign=summer&gclid=G2`;
      const second = await collectJson(stack(), { id: 'v1', url: later, ref: 'https://other.example/' }, { session });
      expect(second.status).toBe(204);
      expect(sessionFirstTouch((await sessionItem()) ?? {})).toEqual(expected);
      expect(await recordsFor(later)).toHaveLength(1);
    });
  });

  it('counts a pageview as a hit once per session', async () => {
    const url = pageUrl('hit');
    const first = await collectJson(stack(), { id: 'v1', url });
    const session = sessionFrom(first);
    await collectJson(stack(), { id: 'v1', url }, { session });
    expect(await hitsFor(stack(), [url])).toEqual({ [url]: 1 });
    await collectJson(stack(), { id: 'v2', url });
    expect(await hitsFor(stack(), [url])).toEqual({ [url]: 2 });
  });

  it.each(['GET', 'PUT', 'DELETE'])('answers %s with 405 and an Allow header', async (method) => {
    const before = await countItems(stack());
    const response = await call(stack(), '/v1/collect', { method });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST, OPTIONS');
    expect(await countItems(stack())).toBe(before);
  });
});
