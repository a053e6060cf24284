import { sessionFirstRecord, sessionFirstTouch } from '../../../../../layers/core/src/store/sessions/session-item';
import { createSession } from '../../../../../layers/core/src/store/sessions/create-session';
import { getSession } from '../../../../../layers/core/src/store/sessions/get-session';
import { keys } from '../../../../../layers/core/src/store/keys';
import { pageRecord, requestRecord, RETENTION_DAYS, useDynaliteTable } from '../table-fixture';

describe('createSession()', () => {
  const db = useDynaliteTable();

  it('creates the session item with its first-touch attribution and first record', async () => {
    const record = pageRecord();
    const touch = { landingUrl: record.url, utmSource: 'news', referrer: 'https://www.search.example/' };
    expect(await createSession(db().table, record, touch, RETENTION_DAYS)).toBe(true);
    const item = await db().getItem(keys.session(record.sessionId));
    expect(item).toMatchObject({
      type: 'session',
      sessionId: record.sessionId,
      createdAt: record.at.toISOString(),
      first: { type: 'browser_event', eventId: record.eventId, url: record.url, visitorId: record.visitorId, fp: record.fingerprint?.id },
      expiresAt: Math.floor(record.at.getTime() / 1000) + RETENTION_DAYS * 86400,
    });
    // What the first record already holds is not stored twice; the reader puts it back.
    expect(item?.firstTouch).toEqual({ utmSource: 'news' });
    expect(sessionFirstTouch(item ?? {})).toEqual(touch);
    expect(sessionFirstRecord(item ?? {})).toMatchObject({ sessionId: record.sessionId, at: record.at.toISOString() });
    expect((item?.first as Record<string, unknown>).sessionId).toBeUndefined();
    expect(await getSession(db().table, record.sessionId)).toMatchObject({ sessionId: record.sessionId });
  });

  it('is conditional: a second call returns false and overwrites neither firstTouch nor the first record', async () => {
    const first = requestRecord();
    const touch = { landingUrl: 'https://site.example/landing?utm_campaign=spring', utmCampaign: 'spring' };
    expect(await createSession(db().table, first, touch, RETENTION_DAYS)).toBe(true);
    const second = pageRecord({ sessionId: first.sessionId, at: new Date(first.at.getTime() + 60000) });
    expect(await createSession(db().table, second, { landingUrl: second.url, utmSource: 'other' }, RETENTION_DAYS)).toBe(false);
    const item = await db().getItem(keys.session(first.sessionId));
    expect(item?.firstTouch).toEqual(touch);
    expect(item?.first).toMatchObject({ type: 'request_fingerprint', eventId: first.eventId });
    expect(item?.createdAt).toBe(first.at.toISOString());
  });

  it('stores no firstTouch attribute when there is no attribution', async () => {
    const record = pageRecord();
    await createSession(db().table, record, {}, RETENTION_DAYS);
    expect(await db().getItem(keys.session(record.sessionId))).not.toHaveProperty('firstTouch');
  });
});
