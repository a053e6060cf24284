import { randomUUID } from 'node:crypto';
import { BROWSER_UA, call, collectJson, countItems, freshSessionId, isAggregateItem, scanTable, sessionFrom, useLocalStack } from '../helpers/local-stack';

describe('POST /v1/sessions/link', () => {
  const stack = useLocalStack();
  const admin = () => ({ authorization: `Bearer ${stack().env.EDGEPRINT_API_KEY}` });
  const user = (name: string) => `${name}-${randomUUID().slice(0, 8)}`;

  function link(body: unknown, headers: Record<string, string> = admin()): Promise<Response> {
    return call(stack(), '/v1/sessions/link', { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers } });
  }

  async function sessionItem(sessionId: string): Promise<Record<string, unknown> | undefined> {
    return (await scanTable(stack())).find((item) => item.pk === `S#${sessionId}` && item.sk === 'SESSION');
  }

  async function browserSession(): Promise<string> {
    const response = await collectJson(stack(), { id: `visitor${randomUUID().slice(0, 8)}`, url: `${stack().url}/link/${randomUUID()}` });
    expect(response.status).toBe(204);
    return sessionFrom(response) as string;
  }

  /**
   * The table without the dashboard's aggregate items: the queue consumer writes those in the
   * background after the browser's collect, so they may land between two scans of a test.
   */
  async function requestItems(): Promise<Record<string, unknown>[]> {
    return (await scanTable(stack())).filter((item) => !isAggregateItem(item));
  }

  it('links the session in the body, then answers already-linked without changing anything', async () => {
    const sessionId = await browserSession();
    const userId = user('body');
    const first = await link({ userId, sessionId });
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ userId, sessionId, result: 'linked', devices: 2 });
    expect(await sessionItem(sessionId)).toMatchObject({ userId, gsi1pk: `USER#${userId}`, gsi1sk: `S#${sessionId}` });
    const before = await requestItems();
    const again = await link({ userId, sessionId });
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ userId, sessionId, result: 'already-linked' });
    expect(await requestItems()).toEqual(before);
  });

  it('takes the session from the ep_sid cookie when the body has none, and accepts X-Api-Key', async () => {
    const sessionId = await browserSession();
    const userId = user('cookie');
    const response = await call(stack(), '/v1/sessions/link', {
      method: 'POST',
      session: sessionId,
      body: JSON.stringify({ userId }),
      headers: { 'content-type': 'application/json', 'x-api-key': stack().env.EDGEPRINT_API_KEY as string },
    });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { sessionId: string }).sessionId).toBe(sessionId);
  });

  it('gives one user many sessions, and links a session not recorded yet', async () => {
    const userId = user('many');
    const sessions = [await browserSession(), await browserSession(), freshSessionId()];
    for (const sessionId of sessions) expect((await link({ userId, sessionId })).status).toBe(200);
    const linked = (await scanTable(stack())).filter((item) => item.gsi1pk === `USER#${userId}`).map((item) => item.sessionId);
    expect(linked.sort()).toEqual([...sessions].sort());
    expect(await sessionItem(sessions[2] as string)).toMatchObject({ type: 'session', userId });
  });

  it('answers 409 for a session of another user, and moves it with force: true', async () => {
    const sessionId = await browserSession();
    const [owner, other] = [user('owner'), user('other')];
    expect((await link({ userId: owner, sessionId })).status).toBe(200);
    const before = await requestItems();
    const conflict = await link({ userId: other, sessionId });
    expect(conflict.status).toBe(409);
    expect(await conflict.json()).toEqual({ error: { code: 'conflict', message: 'Session is linked to another user (send force: true to move it)' } });
    expect(await requestItems()).toEqual(before);
    const forced = await link({ userId: other, sessionId, force: true });
    expect(forced.status).toBe(200);
    expect(((await forced.json()) as { result: string }).result).toBe('linked');
    expect((await sessionItem(sessionId))?.userId).toBe(other);
  });

  describe('authentication', () => {
    it.each([
      ['no key', {}],
      ['a wrong bearer key', { authorization: 'Bearer wrong-key-0123456789abcdef' }],
      ['a wrong X-Api-Key', { 'x-api-key': 'wrong-key-0123456789abcdef' }],
      ['a Basic credential', { authorization: 'Basic dXNlcjpwYXNz' }],
      ['the key with one character changed', { authorization: 'Bearer KEY' }],
    ])('refuses %s with the same 401 and stores nothing', async (_, headers) => {
      const key = stack().env.EDGEPRINT_API_KEY as string;
      const resolved = Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, value === 'Bearer KEY' ? `Bearer ${key.slice(0, -1)}${key.endsWith('A') ? 'B' : 'A'}` : value]));
      const before = await countItems(stack());
      const response = await link({ userId: 'someone', sessionId: freshSessionId() }, resolved);
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer');
      expect(await response.json()).toEqual({ error: { code: 'unauthorized', message: 'Authentication failed' } });
      expect(await countItems(stack())).toBe(before);
    });
  });

  describe('bad input', () => {
    it.each([
      [{ sessionId: freshSessionId() }, 'userId'],
      [{ userId: '', sessionId: freshSessionId() }, 'userId'],
      [{ userId: 'has space', sessionId: freshSessionId() }, 'userId'],
      [{ userId: 'x'.repeat(129), sessionId: freshSessionId() }, 'userId'],
      [{ userId: 42, sessionId: freshSessionId() }, 'userId'],
      [{ userId: 'ok', sessionId: 'too-short' }, 'sessionId'],
      [{ userId: 'ok' }, 'sessionId'],
      [{ userId: 'ok', sessionId: freshSessionId(), force: 'maybe' }, 'force'],
      [`{"userId":"ok","sessionId":"${freshSessionId()}","nested":{"__proto__":{"admin":true}}}`, '__proto__'],
    ])('refuses %j with a 400 naming %s and stores nothing', async (body, field) => {
      const before = await countItems(stack());
      const response = await link(body);
      expect(response.status).toBe(400);
      const answer = (await response.json()) as { error: { code: string; fields: Record<string, string[]> } };
      expect(answer.error.code).toBe('invalid_payload');
      expect(Object.keys(answer.error.fields)).toContain(field);
      expect(await countItems(stack())).toBe(before);
    });

    it('refuses malformed JSON (400), a body over 16 KiB (413) and GET (405)', async () => {
      expect((await link('{"userId":')).status).toBe(400);
      expect((await link({ userId: 'ok', sessionId: freshSessionId(), pad: 'x'.repeat(17 * 1024) })).status).toBe(413);
      const get = await call(stack(), '/v1/sessions/link', { headers: admin() });
      expect(get.status).toBe(405);
      expect(get.headers.get('allow')).toBe('POST, OPTIONS');
    });

    it('never takes the session from a cookie that is not ours', async () => {
      const response = await call(stack(), '/v1/sessions/link', {
        method: 'POST',
        body: JSON.stringify({ userId: 'ok' }),
        headers: { 'content-type': 'application/json', ...admin(), cookie: 'ep_sid=not-a-session-id', 'user-agent': BROWSER_UA },
      });
      expect(response.status).toBe(400);
    });
  });
});
