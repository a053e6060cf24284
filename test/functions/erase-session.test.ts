import { randomUUID } from 'node:crypto';
import { call, collectJson, countItems, freshSessionId, hitsFor, scanTable, sessionFrom, useLocalStack } from '../helpers/local-stack';

const ZERO = { session: 0, link: 0, request_fingerprint: 0, browser_event: 0, view_marker: 0, activity: 0, device: 0 };

describe('DELETE /v1/sessions/{sessionId}', () => {
  const stack = useLocalStack();
  const admin = () => ({ authorization: `Bearer ${stack().env.EDGEPRINT_API_KEY}` });

  function erase(sessionId: string, headers: Record<string, string> = admin()): Promise<Response> {
    return call(stack(), `/v1/sessions/${sessionId}`, { method: 'DELETE', headers });
  }

  it('removes every item of the session, unlinked or linked, and keeps the counters', async () => {
    const page = `${stack().url}/erase-session/${randomUUID()}`;
    const sessionId = sessionFrom(await collectJson(stack(), { id: 'visitorSessionErase', url: page })) as string;
    await collectJson(stack(), { id: 'visitorSessionErase', url: `${page}/2` }, { session: sessionId });
    await call(stack(), '/v1/activity', { method: 'POST', session: sessionId, body: JSON.stringify({ date: '2026-03-01T10:00:00Z', path: '/p' }), headers: { 'content-type': 'application/json' } });
    const other = sessionFrom(await collectJson(stack(), { id: 'visitorOther', url: page })) as string;

    const response = await erase(sessionId);

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ sessionId, removed: { ...ZERO, session: 1, browser_event: 1, view_marker: 2, activity: 1 } });
    const items = await scanTable(stack());
    expect(items.filter((item) => JSON.stringify(item).includes(sessionId))).toEqual([]);
    expect(items.filter((item) => item.pk === `S#${other}`).length).toBeGreaterThan(0);
    expect(await hitsFor(stack(), [page])).toEqual({ [page]: 2 });
    expect(await (await erase(sessionId)).json()).toEqual({ sessionId, removed: ZERO });
  });

  it('removes the link and the devices a linked session showed', async () => {
    const userId = `session-owner-${randomUUID().slice(0, 8)}`;
    const sessionId = sessionFrom(await collectJson(stack(), { id: 'visitorLinkedErase', url: `${stack().url}/linked-erase` })) as string;
    await call(stack(), '/v1/sessions/link', { method: 'POST', body: JSON.stringify({ userId, sessionId }), headers: { 'content-type': 'application/json', ...admin() } });
    const removed = ((await (await erase(sessionId)).json()) as { removed: Record<string, number> }).removed;
    expect(removed).toMatchObject({ session: 1, link: 1, device: 2 });
    const devices = (await (await call(stack(), `/v1/users/${userId}/devices`, { headers: admin() })).json()) as { devices: unknown[] };
    expect(devices.devices).toEqual([]);
    expect((await scanTable(stack())).filter((item) => JSON.stringify(item).includes(userId))).toEqual([]);
  });

  it('refuses bad ids (400) and callers without the key (401); /v1/sessions/link is not a session (405)', async () => {
    const before = await countItems(stack());
    expect((await erase('not-a-session-id')).status).toBe(400);
    expect((await erase(freshSessionId(), {})).status).toBe(401);
    const link = await call(stack(), '/v1/sessions/link', { method: 'DELETE', headers: admin() });
    expect(link.status).toBe(405);
    expect(await countItems(stack())).toBe(before);
  });
});
