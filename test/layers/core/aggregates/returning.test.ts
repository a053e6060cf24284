import { aggregateBatch } from '../../../../layers/core/src/aggregates/aggregate-batch';
import { readStats } from '../../../../layers/core/src/aggregates/read-stats';
import { parseStatsQuery } from '../../../../layers/core/src/aggregates/stats-query';
import type { ForwardEvent } from '../../../../layers/core/src/forwarding/event';
import { dynamoAggregateStore } from '../../../../layers/core/src/store/dynamo-aggregate-store';
import { createCapacityMeter } from '../../../helpers/capacity';
import { forwardEvent } from '../../../helpers/forward-event-factory';
import { useDynaliteTable } from '../store/table-fixture';

let sequence = 0;
const newSite = () => `returning${(sequence += 1)}.example`;
const log = jest.fn();

/** A pageview of a new cookie (set at the event) with a visitorId, at 10:00 UTC of `day`. */
const visit = (site: string, session: string, visitorId: string | undefined, day: string, extra: Partial<ForwardEvent> = {}) =>
  forwardEvent({
    url: `https://${site}/a`,
    referrer: undefined,
    sessionId: session,
    sessionStartedAt: `${day}T10:00:00.000Z`,
    visitorId,
    requestFingerprint: `fp-of-${visitorId ?? session}`,
    at: `${day}T10:00:00.000Z`,
    ...extra,
  });

describe('recogniseDevice() through aggregateBatch()', () => {
  const meter = createCapacityMeter();
  const db = useDynaliteTable({ meter });
  const store = () => dynamoAggregateStore(db().table);
  const run = (events: readonly ForwardEvent[], day: string) => aggregateBatch(events, { store: store(), now: () => new Date(`${day}T12:00:00.000Z`), log });
  const totalsOf = async (site: string, day: string) =>
    (await readStats(db().table, parseStatsQuery(new URLSearchParams(`site=${site}&from=${day}&to=${day}`), new Date(`${day}T12:00:00.000Z`)))).totals;

  it('recognises a visitorId returning within 90 days with a new cookie by a read, writing no device marker', async () => {
    const site = newSite();
    await run([visit(site, 'c1', 'browser', '2026-08-24')], '2026-08-24');
    const later = [visit(site, 'c2', 'browser', '2026-11-22')];
    const { operations } = await meter.measure(() => run(later, '2026-11-22'));
    expect(await totalsOf(site, '2026-11-22')).toMatchObject({ visitors: 1, sessions: 1, returning: 1, returningByVisitorId: 1, returningByFingerprint: 0 });
    expect(operations.filter((op) => op.kind === 'read').map((op) => op.operation)).toEqual(['Query']);
    // Session marker, visitor marker, day counters, the site listing of a new day: no device marker among the writes.
    expect(operations.filter((op) => op.kind === 'write')).toHaveLength(4);
    const devices = (await db().scan()).filter((item) => String(item.pk).startsWith(`AGD#${site}#`));
    expect(devices).toEqual([]);
  });

  it('forgets a visitorId after 90 days without a visit', async () => {
    const site = newSite();
    await run([visit(site, 'c1', 'browser', '2026-08-23')], '2026-08-23');
    await run([visit(site, 'c2', 'browser', '2026-11-22')], '2026-11-22');
    expect(await totalsOf(site, '2026-11-22')).toMatchObject({ sessions: 1, returning: 0 });
  });

  it('counts nothing twice when the returning session is redelivered, alone or with new events', async () => {
    const site = newSite();
    await run([visit(site, 'c1', 'browser', '2026-11-20')], '2026-11-20');
    const batch = [visit(site, 'c2', 'browser', '2026-11-22'), visit(site, 'c2', 'browser', '2026-11-22', { url: `https://${site}/b` })];
    await run(batch, '2026-11-22');
    await run(batch, '2026-11-22');
    await run([...batch, visit(site, 'c2', 'browser', '2026-11-22', { url: `https://${site}/c` })], '2026-11-22');
    expect(await totalsOf(site, '2026-11-22')).toMatchObject({ visitors: 1, sessions: 1, pageviews: 3, returning: 1, returningByVisitorId: 1 });
  });

  it('keeps one visitor right over many sessions of a day and batches: counted once, every new cookie after the first recognised', async () => {
    const site = newSite();
    const day = '2026-11-22';
    const sessions = Array.from({ length: 30 }, (_, index) => visit(site, `c${index}`, 'busy-browser', day, { at: `${day}T10:${String(index).padStart(2, '0')}:00.000Z` }));
    for (let start = 0; start < sessions.length; start += 7) await run(sessions.slice(start, start + 7), day);
    await run(sessions, day);
    expect(await totalsOf(site, day)).toMatchObject({ visitors: 1, sessions: 30, pageviews: 30, returning: 29, returningByVisitorId: 29 });
    // The next day every new cookie of it is recognised, the first one by the read.
    await run([visit(site, 'next', 'busy-browser', '2026-11-23')], '2026-11-23');
    expect(await totalsOf(site, '2026-11-23')).toMatchObject({ visitors: 1, returningByVisitorId: 1 });
  });

  it('never uses a day seen only with GPC, and never recognises a GPC session', async () => {
    const site = newSite();
    await run([visit(site, 'c1', 'private', '2026-11-20', { gpc: true })], '2026-11-20');
    await run([visit(site, 'c2', 'private', '2026-11-22')], '2026-11-22');
    expect(await totalsOf(site, '2026-11-22')).toMatchObject({ sessions: 1, returning: 0 });
    await run([visit(site, 'c3', 'private', '2026-11-23', { gpc: true })], '2026-11-23');
    expect(await totalsOf(site, '2026-11-23')).toMatchObject({ sessions: 1, returning: 0 });
  });

  it('still recognises a request fingerprint without a visitorId by its device marker', async () => {
    const site = newSite();
    await run([visit(site, 'c1', undefined, '2026-11-20', { requestFingerprint: 'same-fp' })], '2026-11-20');
    await run([visit(site, 'c2', undefined, '2026-11-22', { requestFingerprint: 'same-fp' })], '2026-11-22');
    expect(await totalsOf(site, '2026-11-22')).toMatchObject({ sessions: 1, returning: 1, returningByFingerprint: 1 });
  });

  it('recognises nothing, and fails nothing, when the read fails', async () => {
    const site = newSite();
    await run([visit(site, 'c1', 'browser', '2026-11-20')], '2026-11-20');
    const broken = { ...store(), visitorSeenBefore: async () => Promise.reject(new Error('throttled')) };
    const failures = await aggregateBatch([visit(site, 'c2', 'browser', '2026-11-22')], { store: broken, now: () => new Date('2026-11-22T12:00:00.000Z'), log });
    expect(failures.size).toBe(0);
    expect(await totalsOf(site, '2026-11-22')).toMatchObject({ sessions: 1, returning: 0 });
    expect(log).toHaveBeenCalledWith('warn', expect.stringContaining('device check failed'), expect.objectContaining({ metric: 'AggregateDeviceFailed' }));
  });
});
