import { randomUUID } from 'node:crypto';
import { firstTouch } from '../../../../layers/core/src/domain/attribution';
import { recordVisit } from '../../../../layers/core/src/domain/record-visit';
import type { VisitRecord } from '../../../../layers/core/src/domain/records';
import { newSessionId } from '../../../../layers/core/src/domain/session-id';
import { ERASURE_TYPES, eraseSession, eraseUser } from '../../../../layers/core/src/privacy/erase';
import { indexSessionDevices } from '../../../../layers/core/src/store/devices/index-session-devices';
import { linkSession } from '../../../../layers/core/src/store/links/link-session';
import { incrementHitCounter } from '../../../../layers/core/src/store/hits/increment-hit-counter';
import { pageRecord, requestRecord, useDynaliteTable } from '../store/table-fixture';

const zeros = Object.fromEntries(ERASURE_TYPES.map((type) => [type, 0]));

describe('eraseUser()', () => {
  const db = useDynaliteTable();

  async function store(record: VisitRecord, sessionIsNew: boolean): Promise<void> {
    await recordVisit(db().store, { record, sessionIsNew, firstTouch: firstTouch(record.url, undefined), debounceSeconds: 10, gate: { url: record.url, kind: record.kind === 'request' ? 'request' : 'page', countHit: true } });
  }

  async function activity(sessionId: string | undefined, userId: string | undefined): Promise<void> {
    await db().store.putActivity({ eventId: randomUUID(), at: new Date('2026-03-01T12:00:05.000Z'), date: '2026-03-01T12:00:05Z', path: '/account', sessionId, userId, ip: '203.0.113.0', userAgent: 'UA' });
  }

  /** Items whose JSON mentions any of the ids: what an erasure must leave none of. */
  async function carrying(...ids: string[]): Promise<Record<string, unknown>[]> {
    return (await db().scan()).filter((item) => ids.some((id) => JSON.stringify(item).includes(id)));
  }

  it('removes every item of the user and its sessions, keeps counters and other users\' data, and answers the counts', async () => {
    const userId = `erase-${randomUUID()}`;
    const [s1, s2, other] = [newSessionId(), newSessionId(), newSessionId()];
    const page = pageRecord({ sessionId: s1 });
    await store(page, true);
    await store(pageRecord({ sessionId: s1, url: 'https://site.example/second' }), false);
    await store(requestRecord({ sessionId: s2 }), true);
    await activity(s1, userId);
    await activity(undefined, userId); // a bearer-token activity row without a session
    await store(pageRecord({ sessionId: other, url: page.url }), true);
    await activity(other, userId); // another visitor's session, this user by token
    // The queue consumer counts hits from the stored records; here the counter is bumped directly.
    await incrementHitCounter(db().table, page.url);
    for (const sessionId of [s1, s2]) {
      await linkSession(db().table, { userId, sessionId });
      await indexSessionDevices(db().table, userId, sessionId, 395);
    }
    const before = await db().scan();
    const counterBefore = before.find((item) => item.type === 'hit_counter' && item.url === page.url);

    const removed = await eraseUser(db().table, userId);

    expect(removed).toEqual({
      ...zeros,
      session: 2,
      link: 2,
      // s2's first record lives in its session item; s1's second pageview is a record item.
      request_fingerprint: 0,
      browser_event: 1,
      view_marker: 3,
      activity: 3,
      device: 2,
    });
    expect(await carrying(userId, s1, s2)).toEqual([]);
    const after = await db().scan();
    expect(after.find((item) => item.type === 'hit_counter' && item.url === page.url)).toEqual(counterBefore);
    // The other visitor keeps its session and records; only the row naming this user went.
    expect(after.filter((item) => item.pk === `S#${other}`).map((item) => item.type).sort()).toEqual(['session', 'view_marker']);
    expect(before.length - after.length).toBe(Object.values(removed).reduce((sum, count) => sum + count, 0) - removed.link);
  });

  it('succeeds again with zero counts', async () => {
    const userId = `again-${randomUUID()}`;
    const sessionId = newSessionId();
    await store(pageRecord({ sessionId }), true);
    await linkSession(db().table, { userId, sessionId });
    expect((await eraseUser(db().table, userId)).session).toBe(1);
    expect(await eraseUser(db().table, userId)).toEqual(zeros);
    expect(await eraseUser(db().table, `never-${randomUUID()}`)).toEqual(zeros);
  });
});

describe('eraseSession()', () => {
  const db = useDynaliteTable();

  it('removes the session\'s items and the devices it showed, and leaves the user\'s other sessions', async () => {
    const userId = `session-erase-${randomUUID()}`;
    const [gone, kept] = [newSessionId(), newSessionId()];
    const goneRecord = pageRecord({ sessionId: gone, visitorId: 'visitorGone', fingerprint: { id: 'fpGone0000000000000000', version: 1 } });
    const keptRecord = pageRecord({ sessionId: kept, visitorId: 'visitorKept', fingerprint: { id: 'fpKept0000000000000000', version: 1 } });
    for (const record of [goneRecord, keptRecord]) {
      await recordVisit(db().store, { record, sessionIsNew: true, firstTouch: {}, debounceSeconds: 10, gate: { url: record.url, kind: 'page', countHit: true } });
      await linkSession(db().table, { userId, sessionId: record.sessionId });
      await indexSessionDevices(db().table, userId, record.sessionId, 395);
    }
    await db().store.putActivity({ eventId: randomUUID(), at: new Date(), date: '2026-03-01T12:00:00Z', path: '/p', sessionId: gone, userId });

    expect(await eraseSession(db().table, gone)).toEqual({ ...zeros, session: 1, link: 1, view_marker: 1, activity: 1, device: 2 });

    const items = await db().scan();
    expect(items.filter((item) => JSON.stringify(item).includes(gone) || JSON.stringify(item).includes('Gone'))).toEqual([]);
    expect(items.filter((item) => item.pk === `USER#${userId}`).map((item) => item.sk).sort()).toEqual(['DEV#browser#visitorKept', 'DEV#request#fpKept0000000000000000']);
    expect(items.filter((item) => item.pk === `S#${kept}`)).toHaveLength(2);
    expect(await eraseSession(db().table, gone)).toEqual(zeros);
  });
});
