import { keys } from '../../../../../layers/core/src/store/keys';
import { putRecord } from '../../../../../layers/core/src/store/records/put-record';
import { pageRecord, requestRecord, RETENTION_DAYS, useDynaliteTable } from '../table-fixture';

describe('putRecord()', () => {
  const db = useDynaliteTable();

  it('stores a browser event under its session with the page fields', async () => {
    const record = pageRecord({ props: { plan: 'pro', seats: 3, trial: false } });
    await putRecord(db().table, record, RETENTION_DAYS);
    const item = await db().getItem(keys.eventRecord(record.sessionId, record.at.toISOString(), record.eventId));
    expect(item).toMatchObject({
      type: 'browser_event',
      eventId: record.eventId,
      sessionId: record.sessionId,
      url: record.url,
      event: 'pageview',
      visitorId: record.visitorId,
      props: { plan: 'pro', seats: 3, trial: false },
      fp: record.fingerprint?.id,
      fpv: record.fingerprint?.version,
      ip: '203.0.113.0',
      country: 'DE',
    });
  });

  it('stores a request fingerprint under its own sort key prefix', async () => {
    const record = requestRecord();
    await putRecord(db().table, record, RETENTION_DAYS);
    const item = await db().getItem(keys.requestRecord(record.sessionId, record.at.toISOString(), record.eventId));
    expect(item).toMatchObject({ type: 'request_fingerprint', eventId: record.eventId, url: record.url });
    expect(item).not.toHaveProperty('event');
  });

  it('is idempotent on the event id: a retry neither throws, duplicates nor overwrites', async () => {
    const record = pageRecord({ title: 'original' });
    await putRecord(db().table, record, RETENTION_DAYS);
    const before = (await db().scan()).length;
    await expect(putRecord(db().table, { ...record, title: 'retry' }, RETENTION_DAYS)).resolves.toBeUndefined();
    expect((await db().scan()).length).toBe(before);
    const item = await db().getItem(keys.eventRecord(record.sessionId, record.at.toISOString(), record.eventId));
    expect(item?.title).toBe('original');
  });
});
