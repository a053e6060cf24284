import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { firstTouch } from '../../../../../layers/core/src/domain/attribution';
import { recordVisit } from '../../../../../layers/core/src/domain/record-visit';
import { newSessionId } from '../../../../../layers/core/src/domain/session-id';
import { ConflictError } from '../../../../../layers/core/src/errors';
import { keys } from '../../../../../layers/core/src/store/keys';
import { linkSession } from '../../../../../layers/core/src/store/links/link-session';
import { createCapacityMeter } from '../../../../helpers/capacity';
import { pageRecord, useDynaliteTable } from '../table-fixture';

describe('linkSession()', () => {
  const meter = createCapacityMeter();
  const db = useDynaliteTable({ meter });
  const NOW = new Date('2026-03-02T08:00:00.000Z');

  async function sessionsOf(userId: string): Promise<string[]> {
    const result = await db().table.client.send(
      new QueryCommand({
        TableName: db().table.tableName,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': `USER#${userId}` },
      }),
    );
    return (result.Items ?? []).map((item) => String(item.gsi1sk)).sort();
  }

  async function storedSession(record = pageRecord()): Promise<string> {
    await recordVisit(db().store, { record, sessionIsNew: true, firstTouch: firstTouch(record.url, undefined), debounceSeconds: 10, gate: { url: record.url, kind: 'page', countHit: true } });
    return record.sessionId;
  }

  it('links a stored session: userId, linkedAt and the gsi1 keys, keeping attribution and the first record', async () => {
    const sessionId = await storedSession();
    expect(await linkSession(db().table, { userId: 'user-a', sessionId, now: NOW })).toBe('linked');
    const item = await db().getItem(keys.session(sessionId));
    expect(item).toMatchObject({ userId: 'user-a', gsi1pk: 'USER#user-a', gsi1sk: `S#${sessionId}`, linkedAt: NOW.toISOString(), type: 'session' });
    expect(item?.firstTouch).toMatchObject({ utmSource: 'news' });
    expect(item?.first).toMatchObject({ type: 'browser_event', visitorId: 'x8Yq2mZ4TcR9vB1nL6wK' });
    expect(await sessionsOf('user-a')).toEqual([`S#${sessionId}`]);
  });

  it('is idempotent: linking again to the same user answers already-linked and changes nothing', async () => {
    const sessionId = await storedSession();
    await linkSession(db().table, { userId: 'user-b', sessionId, now: NOW });
    const before = await db().getItem(keys.session(sessionId));
    expect(await linkSession(db().table, { userId: 'user-b', sessionId, now: new Date(NOW.getTime() + 60_000) })).toBe('already-linked');
    expect(await linkSession(db().table, { userId: 'user-b', sessionId, force: true })).toBe('already-linked');
    expect(await db().getItem(keys.session(sessionId))).toEqual(before);
  });

  it('gives one user many sessions', async () => {
    const sessions = [await storedSession(), await storedSession(), newSessionId()];
    for (const sessionId of sessions) expect(await linkSession(db().table, { userId: 'user-many', sessionId, now: NOW })).toBe('linked');
    expect(await sessionsOf('user-many')).toEqual(sessions.map((sessionId) => `S#${sessionId}`).sort());
  });

  it('refuses to move a session to another user with a ConflictError (409), unless force', async () => {
    const sessionId = await storedSession();
    await linkSession(db().table, { userId: 'owner', sessionId, now: NOW });
    const attempt = linkSession(db().table, { userId: 'intruder', sessionId, now: NOW });
    await expect(attempt).rejects.toBeInstanceOf(ConflictError);
    await expect(attempt).rejects.toMatchObject({ status: 409, code: 'conflict' });
    expect((await db().getItem(keys.session(sessionId)))?.userId).toBe('owner');
    expect(await linkSession(db().table, { userId: 'new-owner', sessionId, force: true, now: NOW })).toBe('linked');
    expect((await db().getItem(keys.session(sessionId)))?.userId).toBe('new-owner');
    expect(await sessionsOf('owner')).toEqual([]);
    expect(await sessionsOf('new-owner')).toEqual([`S#${sessionId}`]);
  });

  it('creates a minimal session item for a session not stored yet, with a TTL', async () => {
    const sessionId = newSessionId();
    expect(await linkSession(db().table, { userId: 'early', sessionId, now: NOW, retentionDays: 30 })).toBe('linked');
    const item = await db().getItem(keys.session(sessionId));
    expect(item).toEqual({
      pk: `S#${sessionId}`,
      sk: 'SESSION',
      type: 'session',
      sessionId,
      userId: 'early',
      gsi1pk: 'USER#early',
      gsi1sk: `S#${sessionId}`,
      createdAt: NOW.toISOString(),
      linkedAt: NOW.toISOString(),
      expiresAt: Math.floor(NOW.getTime() / 1000) + 30 * 86400,
    });
  });

  it('agrees with itself under concurrency: of two users racing for one session, exactly one wins', async () => {
    const sessionId = await storedSession();
    const results = await Promise.allSettled([
      linkSession(db().table, { userId: 'racer-1', sessionId, now: NOW }),
      linkSession(db().table, { userId: 'racer-2', sessionId, now: NOW }),
    ]);
    expect(results.map((result) => result.status).sort()).toEqual(['fulfilled', 'rejected']);
    const winner = (await db().getItem(keys.session(sessionId)))?.userId;
    expect(['racer-1', 'racer-2']).toContain(winner);
  });

  it('costs one write to link and one failed conditional write (plus a read) to repeat', async () => {
    const sessionId = await storedSession();
    const first = await meter.measure(() => linkSession(db().table, { userId: 'metered', sessionId, now: NOW }));
    expect(first.operations.filter((op) => op.kind === 'write').map((op) => `${op.operation}=${op.units}`)).toEqual(['UpdateItem=1']);
    const again = await meter.measure(() => linkSession(db().table, { userId: 'metered', sessionId, now: NOW }));
    expect(again.writeUnits).toBe(1);
    expect(again.operations.map((op) => op.operation)).toEqual(['UpdateItem', 'GetItem']);
  });
});
