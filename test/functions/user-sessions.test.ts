import { randomUUID } from 'node:crypto';
import { call, collectJson, sessionFrom, useLocalStack } from '../helpers/local-stack';

interface SessionsPage {
  userId: string;
  sessions: Array<Record<string, unknown> & { sessionId: string }>;
  cursor?: string;
}

describe('GET /v1/users/{userId}/sessions', () => {
  const stack = useLocalStack();
  const admin = () => ({ authorization: `Bearer ${stack().env.EDGEPRINT_API_KEY}` });

  async function linkNew(userId: string, landing: string): Promise<string> {
    const visit = await collectJson(stack(), { id: 'visitorSessions', url: landing }, { headers: { 'cloudfront-viewer-country': 'NL' } });
    const sessionId = sessionFrom(visit) as string;
    const linked = await call(stack(), '/v1/sessions/link', { method: 'POST', body: JSON.stringify({ userId, sessionId }), headers: { 'content-type': 'application/json', ...admin() } });
    expect(linked.status).toBe(200);
    return sessionId;
  }

  function list(userId: string, query = ''): Promise<Response> {
    return call(stack(), `/v1/users/${encodeURIComponent(userId)}/sessions${query}`, { headers: admin() });
  }

  it('lists a user\'s sessions with attribution, country and the parsed user agent', async () => {
    const userId = `sessions-${randomUUID().slice(0, 8)}@shop.example`;
    const landing = `${stack().url}/landing?utm_source=mail&utm_campaign=spring`;
    const sessionId = await linkNew(userId, landing);
    const response = await list(userId);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const page = (await response.json()) as SessionsPage;
    expect(page.userId).toBe(userId);
    expect(page.cursor).toBeUndefined();
    expect(page.sessions).toEqual([
      expect.objectContaining({
        sessionId,
        country: 'NL',
        firstTouch: expect.objectContaining({ landingUrl: landing, utmSource: 'mail', utmCampaign: 'spring' }),
        browser: expect.objectContaining({ name: 'Chrome' }),
        os: expect.objectContaining({ name: 'Linux' }),
        deviceType: 'desktop',
      }),
    ]);
    expect(typeof page.sessions[0]?.linkedAt).toBe('string');
  });

  it('pages through every session with limit and the opaque cursor, each once', async () => {
    const userId = `paged-${randomUUID().slice(0, 8)}`;
    const sessions: string[] = [];
    for (let index = 0; index < 5; index += 1) sessions.push(await linkNew(userId, `${stack().url}/paged/${index}`));
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const response = await list(userId, `?limit=2${cursor === undefined ? '' : `&cursor=${cursor}`}`);
      expect(response.status).toBe(200);
      const page = (await response.json()) as SessionsPage;
      expect(page.sessions.length).toBeLessThanOrEqual(2);
      seen.push(...page.sessions.map((session) => session.sessionId));
      cursor = page.cursor;
      pages += 1;
    } while (cursor !== undefined && pages < 10);
    expect(seen.sort()).toEqual(sessions.sort());
  });

  it('answers an unknown user with an empty list', async () => {
    expect(await (await list(`nobody-${randomUUID()}`)).json()).toEqual({ userId: expect.any(String), sessions: [] });
  });

  it.each([
    ['?limit=0', 'limit'],
    ['?limit=101', 'limit'],
    ['?cursor=bogus!', 'cursor'],
    [`?cursor=${Buffer.from(JSON.stringify({ v: 1, a: 'x' })).toString('base64url')}`, 'cursor'],
  ])('refuses %s with a 400 naming %s', async (query, field) => {
    const response = await list('someone', query);
    expect(response.status).toBe(400);
    expect(Object.keys(((await response.json()) as { error: { fields: object } }).error.fields)).toEqual([field]);
  });

  it.each(['a b', 'x'.repeat(129), 'a%2Fb', '%ZZ'])('refuses the user id %j with a 400', async (raw) => {
    const response = await call(stack(), `/v1/users/${raw.includes('%') ? raw : encodeURIComponent(raw)}/sessions`, { headers: admin() });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { fields: object } }).error.fields).toHaveProperty('userId');
  });

  it('refuses a caller without the API key (401) and other methods (405)', async () => {
    expect((await call(stack(), `/v1/users/u/sessions`)).status).toBe(401);
    const post = await call(stack(), `/v1/users/u/sessions`, { method: 'POST', headers: admin() });
    expect(post.status).toBe(405);
  });
});
