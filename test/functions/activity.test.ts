import { randomUUID } from 'node:crypto';
import { BROWSER_UA, call, collectJson, countItems, freshSessionId, scanTable, sessionFrom, useLocalStack } from '../helpers/local-stack';

type Item = Record<string, unknown>;
type Fields = Record<string, string | number | boolean | null>;

describe('POST /v1/activity', () => {
  const stack = useLocalStack();
  const uniquePath = (name: string) => `/activity/${name}-${randomUUID().slice(0, 8)}`;

  function postJson(body: unknown, options: { headers?: Record<string, string>; session?: string } = {}): Promise<Response> {
    return call(stack(), '/v1/activity', {
      method: 'POST',
      body: JSON.stringify(body),
      session: options.session,
      headers: { 'content-type': 'application/json', ...options.headers },
    });
  }

  function postForm(fields: Fields, options: { headers?: Record<string, string>; session?: string } = {}): Promise<Response> {
    const body = new URLSearchParams(Object.entries(fields).map(([key, value]) => [key, String(value)])).toString();
    return call(stack(), '/v1/activity', {
      method: 'POST',
      body,
      session: options.session,
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...options.headers },
    });
  }

  async function activityAt(path: string): Promise<Item[]> {
    return (await scanTable(stack())).filter((item) => item.type === 'activity' && item.path === path);
  }

  /** A refused body: 400 in the activity log's own `{"errors":{field:[messages]}}` shape, nothing stored. */
  async function expectRefused(send: () => Promise<Response>, field: string): Promise<void> {
    const before = await countItems(stack());
    const response = await send();
    expect(response.status).toBe(400);
    const body = (await response.json()) as { errors: Record<string, string[]> };
    expect(Object.keys(body)).toEqual(['errors']);
    expect(Object.keys(body.errors)).toContain(field);
    for (const messages of Object.values(body.errors)) {
      expect(Array.isArray(messages)).toBe(true);
      expect(messages.length).toBeGreaterThan(0);
      for (const message of messages) expect(typeof message).toBe('string');
    }
    expect(await countItems(stack())).toBe(before);
  }

  describe('accepted bodies', () => {
    it('accepts JSON and stores the row', async () => {
      const path = uniquePath('json');
      const response = await postJson({ date: '2024-05-01T10:00:00Z', path, referer: 'https://ref.example/a' });
      expect(response.status).toBe(204);
      expect(await response.text()).toBe('');
      expect(await activityAt(path)).toEqual([
        expect.objectContaining({ date: '2024-05-01T10:00:00Z', path, referer: 'https://ref.example/a' }),
      ]);
    });

    it('accepts a form post', async () => {
      const path = uniquePath('form');
      const response = await postForm({ date: '2024-05-01T10:00:00.123+02:00', path });
      expect(response.status).toBe(204);
      expect(await activityAt(path)).toEqual([expect.objectContaining({ date: '2024-05-01T10:00:00.123+02:00', path })]);
    });

    it.each(['2024-05-01T10:00:00Z', '2024-05-01T10:00:00.5Z', '2024-05-01T10:00:00-05:00', '2024-05-01T10:00:00'])(
      'accepts the ISO-8601 date-time %j',
      async (date) => {
        expect((await postJson({ date, path: uniquePath('date-ok') })).status).toBe(204);
      },
    );
  });

  describe('date', () => {
    it('is required', async () => {
      await expectRefused(() => postJson({ path: uniquePath('no-date') }), 'date');
      await expectRefused(() => postForm({ path: uniquePath('no-date-form') }), 'date');
    });

    it.each([
      ['date-only', '2024-05-01'],
      ['epoch seconds as a string', '1714557600'],
      ['epoch milliseconds as a string', '1714557600000'],
      ['garbage', 'yesterday'],
      ['an impossible month', '2024-13-01T10:00:00Z'],
      ['an empty string', ''],
      ['an over-long value', `2024-05-01T10:00:00${'0'.repeat(40)}Z`],
    ])('refuses %s', async (_name, date) => {
      await expectRefused(() => postJson({ date, path: uniquePath('date-bad') }), 'date');
      await expectRefused(() => postForm({ date, path: uniquePath('date-bad-form') }), 'date');
    });

    it.each([[1714557600], [1714557600000], [true], [null]])('refuses the JSON value %j', async (date) => {
      await expectRefused(() => postJson({ date, path: uniquePath('date-type') }), 'date');
    });
  });

  describe('path and referer', () => {
    it('accepts a path of 1000 characters and refuses 1001', async () => {
      const path = `/${'p'.repeat(999)}`;
      expect((await postJson({ date: '2024-05-01T10:00:00Z', path })).status).toBe(204);
      expect(await activityAt(path)).toHaveLength(1);
      await expectRefused(() => postJson({ date: '2024-05-01T10:00:00Z', path: `${path}p` }), 'path');
    });

    it("falls back to the Referer header's path", async () => {
      const path = uniquePath('from-referer');
      const response = await postJson({ date: '2024-05-01T10:00:00Z' }, { headers: { referer: `https://site.example${path}?q=1#x` } });
      expect(response.status).toBe(204);
      expect(await activityAt(path)).toHaveLength(1);
    });

    it('prefers the body path over the Referer', async () => {
      const path = uniquePath('body-path');
      const response = await postForm({ date: '2024-05-01T10:00:00Z', path }, { headers: { referer: 'https://site.example/other' } });
      expect(response.status).toBe(204);
      expect(await activityAt(path)).toHaveLength(1);
    });

    it('refuses a body with neither path nor Referer, or an unparseable Referer', async () => {
      await expectRefused(() => postJson({ date: '2024-05-01T10:00:00Z' }), 'path');
      await expectRefused(() => postJson({ date: '2024-05-01T10:00:00Z' }, { headers: { referer: 'not a url' } }), 'path');
      await expectRefused(() => postJson({ date: '2024-05-01T10:00:00Z', path: '' }), 'path');
    });

    it('accepts a referer of 2048 characters and refuses 2049', async () => {
      const base = 'https://ref.example/';
      const referer = `${base}${'r'.repeat(2048 - base.length)}`;
      const path = uniquePath('referer-cap');
      expect((await postJson({ date: '2024-05-01T10:00:00Z', path, referer })).status).toBe(204);
      expect((await activityAt(path))[0]?.referer).toBe(referer);
      await expectRefused(() => postJson({ date: '2024-05-01T10:00:00Z', path: uniquePath('referer-long'), referer: `${referer}r` }), 'referer');
    });

    it('names every bad field at once', async () => {
      const response = await postJson({ date: 'nope', path: 'p'.repeat(1001), referer: 'r'.repeat(2049) });
      expect(response.status).toBe(400);
      const body = (await response.json()) as { errors: Record<string, string[]> };
      expect(Object.keys(body.errors).sort()).toEqual(['date', 'path', 'referer']);
    });
  });

  describe('what is stored', () => {
    it('takes session, IP and user agent from the request and ignores user, session and ip in the body', async () => {
      const first = await collectJson(stack(), { id: 'v1', url: `${stack().url}${uniquePath('session')}` });
      const session = sessionFrom(first);
      expect(session).toBeDefined();
      const path = uniquePath('ignored-fields');
      const forged = freshSessionId();
      const response = await postJson(
        { date: '2024-05-01T10:00:00Z', path, user: 'admin', userId: 'admin', session: forged, sessionId: forged, ip: '6.6.6.6' },
        { session, headers: { 'user-agent': `${BROWSER_UA} ActivityTest` } },
      );
      expect(response.status).toBe(204);
      const [item, ...rest] = await activityAt(path);
      expect(rest).toEqual([]);
      expect(item).toMatchObject({ sessionId: session, ip: '127.0.0.0', userAgent: `${BROWSER_UA} ActivityTest`, pk: `S#${session}` });
      expect(item).not.toHaveProperty('userId');
      expect(item).not.toHaveProperty('user');
      expect(item).not.toHaveProperty('session');
      expect(JSON.stringify(item)).not.toContain(forged);
      expect(JSON.stringify(item)).not.toContain('6.6.6.6');
      expect(JSON.stringify(item)).not.toContain('admin');
    });

    it('ignores the same fields in a form post', async () => {
      const path = uniquePath('ignored-form');
      const response = await postForm({ date: '2024-05-01T10:00:00Z', path, user: 'admin', session: 'forged', ip: '6.6.6.6' });
      expect(response.status).toBe(204);
      const [item] = await activityAt(path);
      expect(item?.ip).toBe('127.0.0.0');
      expect(item).not.toHaveProperty('sessionId');
      expect(item).not.toHaveProperty('userId');
    });

    it('stores no session for a cookie that is not a session id', async () => {
      const path = uniquePath('bad-cookie');
      const response = await postJson({ date: '2024-05-01T10:00:00Z', path }, { session: 'not-a-session' });
      expect(response.status).toBe(204);
      const [item] = await activityAt(path);
      expect(item).not.toHaveProperty('sessionId');
      expect(JSON.stringify(item)).not.toContain('not-a-session');
    });

    it('caps the stored user agent at 512 characters', async () => {
      const path = uniquePath('long-ua');
      const userAgent = `${BROWSER_UA} ${'u'.repeat(700)}`;
      expect((await postJson({ date: '2024-05-01T10:00:00Z', path }, { headers: { 'user-agent': userAgent } })).status).toBe(204);
      expect((await activityAt(path))[0]?.userAgent).toBe(userAgent.slice(0, 512));
    });
  });

  describe('method and size', () => {
    it('answers GET with 405, Allow and the errors shape', async () => {
      const before = await countItems(stack());
      const response = await call(stack(), `/v1/activity?date=2024-05-01T10:00:00Z&path=/x`);
      expect(response.status).toBe(405);
      expect(response.headers.get('allow')).toBe('POST, OPTIONS');
      const body = (await response.json()) as { errors: Record<string, string[]> };
      expect(Object.keys(body)).toEqual(['errors']);
      expect(await countItems(stack())).toBe(before);
    });

    it('answers a body over 16 KiB with 413 and stores nothing', async () => {
      const before = await countItems(stack());
      const body = JSON.stringify({ date: '2024-05-01T10:00:00Z', path: '/big', pad: 'x'.repeat(16 * 1024) });
      const response = await call(stack(), '/v1/activity', { method: 'POST', body, headers: { 'content-type': 'application/json' } });
      expect(response.status).toBe(413);
      expect(Object.keys((await response.json()) as object)).toEqual(['errors']);
      expect(await countItems(stack())).toBe(before);
    });

    it('refuses malformed JSON and __proto__ keys with 400', async () => {
      const send = (body: string) => () =>
        call(stack(), '/v1/activity', { method: 'POST', body, headers: { 'content-type': 'application/json' } });
      await expectRefused(send('{"date":'), 'body');
      await expectRefused(send('{"date":"2024-05-01T10:00:00Z","path":"/x","__proto__":{"a":1}}'), '__proto__');
    });
  });
});
