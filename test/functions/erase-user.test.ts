import { randomUUID } from 'node:crypto';
import { call, collectJson, countItems, hitsFor, scanTable, sessionFrom, useLocalStack } from '../helpers/local-stack';

const ZERO = { session: 0, link: 0, request_fingerprint: 0, browser_event: 0, view_marker: 0, activity: 0, device: 0 };

describe('DELETE /v1/users/{userId}', () => {
  const stack = useLocalStack();
  const admin = () => ({ authorization: `Bearer ${stack().env.EDGEPRINT_API_KEY}` });

  function erase(userId: string, headers: Record<string, string> = admin()): Promise<Response> {
    return call(stack(), `/v1/users/${encodeURIComponent(userId)}`, { method: 'DELETE', headers });
  }

  /** A user with two sessions: redirect page, pageviews, a custom event and activity, linked, with device items. */
  async function userWithData(userId: string): Promise<{ sessions: string[]; pages: string[] }> {
    const pages = [`${stack().url}/erase/${randomUUID()}`, `${stack().url}/erase/${randomUUID()}`];
    const redirect = await call(stack(), `/v1/r?next=${encodeURIComponent(pages[0] as string)}`);
    expect(redirect.status).toBe(200);
    const first = sessionFrom(redirect) as string;
    expect((await collectJson(stack(), { id: 'visitorErase1', url: pages[0] }, { session: first })).status).toBe(204);
    expect((await collectJson(stack(), { id: 'visitorErase1', url: pages[0], event: 'signup' }, { session: first })).status).toBe(204);
    const second = sessionFrom(await collectJson(stack(), { id: 'visitorErase2', url: pages[1] }, { headers: { 'user-agent': 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1' } })) as string;
    for (const sessionId of [first, second]) {
      const linked = await call(stack(), '/v1/sessions/link', { method: 'POST', body: JSON.stringify({ userId, sessionId }), headers: { 'content-type': 'application/json', ...admin() } });
      expect(linked.status).toBe(200);
    }
    const activity = await call(stack(), '/v1/activity', { method: 'POST', session: first, body: JSON.stringify({ date: '2026-03-01T10:00:00Z', path: '/account' }), headers: { 'content-type': 'application/json' } });
    expect(activity.status).toBe(204);
    return { sessions: [first, second], pages };
  }

  it('removes every item carrying the user or its sessions, keeps the hit counters, and answers the counts', async () => {
    const userId = `erase-me-${randomUUID().slice(0, 8)}`;
    const { sessions, pages } = await userWithData(userId);
    const hitsBefore = await hitsFor(stack(), pages);
    const before = await countItems(stack());

    const response = await erase(userId);

    expect(response.status).toBe(200);
    const body = (await response.json()) as { userId: string; removed: Record<string, number> };
    expect(body.userId).toBe(userId);
    // The first records live in the session items; the pageview and the custom event of session one are record items.
    expect(body.removed).toEqual({ ...ZERO, session: 2, link: 2, browser_event: 2, view_marker: 2, activity: 1, device: 4 });
    const left = (await scanTable(stack())).filter((item) => [userId, ...sessions].some((id) => JSON.stringify(item).includes(id)));
    expect(left).toEqual([]);
    const removedTotal = Object.values(body.removed).reduce((sum, count) => sum + count, 0) - (body.removed.link ?? 0);
    expect(before - (await countItems(stack()))).toBe(removedTotal);
    // Aggregates hold no personal data and stay.
    expect(await hitsFor(stack(), pages)).toEqual(hitsBefore);
    expect(Object.values(hitsBefore)).toEqual([1, 1]);
  });

  it('succeeds again with zero counts, and for a user never seen', async () => {
    const userId = `twice-${randomUUID().slice(0, 8)}`;
    await userWithData(userId);
    expect((await erase(userId)).status).toBe(200);
    const again = await erase(userId);
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ userId, removed: ZERO });
    expect(await (await erase(`unknown-${randomUUID()}`)).json()).toMatchObject({ removed: ZERO });
  });

  it('refuses callers without the key (401) and bad ids (400), and changes nothing', async () => {
    const userId = `guarded-${randomUUID().slice(0, 8)}`;
    await userWithData(userId);
    const before = await countItems(stack());
    for (const headers of [{}, { authorization: 'Bearer not-the-key-not-the-key' }] as Record<string, string>[]) {
      const response = await erase(userId, headers);
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({ error: { code: 'unauthorized', message: 'Authentication failed' } });
    }
    expect((await call(stack(), '/v1/users/has%20space', { method: 'DELETE', headers: admin() })).status).toBe(400);
    expect((await call(stack(), `/v1/users/${userId}`, { headers: admin() })).status).toBe(405);
    expect(await countItems(stack())).toBe(before);
  });
});
