import { randomUUID } from 'node:crypto';
import type { ActivityRecord } from '../../../../../layers/core/src/domain/records';
import { newSessionId } from '../../../../../layers/core/src/domain/session-id';
import { putActivity } from '../../../../../layers/core/src/store/activity/put-activity';
import { keys } from '../../../../../layers/core/src/store/keys';
import { RETENTION_DAYS, useDynaliteTable } from '../table-fixture';

function activity(overrides: Partial<ActivityRecord> = {}): ActivityRecord {
  return {
    eventId: randomUUID(),
    at: new Date('2026-03-01T12:00:00.000Z'),
    date: '2026-03-01T11:59:58.120Z',
    path: '/settings/profile',
    referer: 'https://site.example/home',
    sessionId: newSessionId(),
    userId: 'user-42',
    ip: '203.0.113.0',
    userAgent: 'Mozilla/5.0',
    ...overrides,
  };
}

describe('putActivity()', () => {
  const db = useDynaliteTable();

  it('stores the row under its session', async () => {
    const row = activity();
    await putActivity(db().table, row, RETENTION_DAYS);
    const item = await db().getItem(keys.activity(row.sessionId, row.at.toISOString(), row.eventId));
    expect(item).toMatchObject({
      type: 'activity',
      eventId: row.eventId,
      date: row.date,
      path: row.path,
      referer: row.referer,
      sessionId: row.sessionId,
      userId: 'user-42',
      ip: '203.0.113.0',
      userAgent: 'Mozilla/5.0',
      expiresAt: Math.floor(row.at.getTime() / 1000) + RETENTION_DAYS * 86400,
    });
  });

  it('stores a row without a session under its own key', async () => {
    const row = activity({ sessionId: undefined, userId: undefined });
    await putActivity(db().table, row, RETENTION_DAYS);
    const item = await db().getItem(keys.activity(undefined, row.at.toISOString(), row.eventId));
    expect(item).toMatchObject({ type: 'activity', path: row.path });
    expect(item).not.toHaveProperty('sessionId');
  });

  it('is idempotent on the event id', async () => {
    const row = activity();
    await putActivity(db().table, row, RETENTION_DAYS);
    const before = (await db().scan()).length;
    await expect(putActivity(db().table, { ...row, path: '/changed' }, RETENTION_DAYS)).resolves.toBeUndefined();
    expect((await db().scan()).length).toBe(before);
    expect((await db().getItem(keys.activity(row.sessionId, row.at.toISOString(), row.eventId)))?.path).toBe('/settings/profile');
  });
});
