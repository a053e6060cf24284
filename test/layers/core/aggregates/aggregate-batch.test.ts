import { aggregateBatch, type AggregateStore } from '../../../../layers/core/src/aggregates/aggregate-batch';
import { readStats } from '../../../../layers/core/src/aggregates/read-stats';
import { parseStatsQuery } from '../../../../layers/core/src/aggregates/stats-query';
import type { ForwardEvent } from '../../../../layers/core/src/forwarding/event';
import { dynamoAggregateStore } from '../../../../layers/core/src/store/dynamo-aggregate-store';
import { keys } from '../../../../layers/core/src/store/keys';
import { createCapacityMeter } from '../../../helpers/capacity';
import { forwardEvent } from '../../../helpers/forward-event-factory';
import { useDynaliteTable } from '../store/table-fixture';

const NOW = new Date('2026-11-22T12:00:00.000Z');
const at = '2026-11-22T10:00:00.000Z';
let sequence = 0;
/** A fresh site per test, so tests do not see each other's counters. */
const newSite = () => `site${(sequence += 1)}.example`;
const log = jest.fn();

describe('aggregateBatch()', () => {
  const meter = createCapacityMeter();
  const db = useDynaliteTable({ meter });
  const run = (events: readonly ForwardEvent[], store: AggregateStore = dynamoAggregateStore(db().table)) => aggregateBatch(events, { store, now: () => NOW, log });
  beforeEach(() => log.mockClear());
  const statsOf = async (site: string) => readStats(db().table, parseStatsQuery(new URLSearchParams(`site=${site}&from=2026-11-22&to=2026-11-22`), NOW));
  const pageview = (site: string, session: string, path: string, extra: Partial<ForwardEvent> = {}) =>
    forwardEvent({ url: `https://${site}${path}`, sessionId: session, visitorId: `visitor-of-${session}`, referrer: undefined, at, ...extra });

  it('counts a batch exactly, and a redelivery of the same batch adds nothing', async () => {
    const site = newSite();
    const batch = [pageview(site, 's1', '/a'), pageview(site, 's1', '/a'), pageview(site, 's1', '/b'), pageview(site, 's2', '/a'), forwardEvent({ kind: 'event', name: 'signup', url: `https://${site}/b`, sessionId: 's2', visitorId: 'visitor-of-s2', at })];
    expect((await run(batch)).size).toBe(0);
    const first = await statsOf(site);
    expect(first.totals).toMatchObject({ visitors: 2, sessions: 2, pageviews: 4, events: 1 });
    expect(first.pages).toEqual([
      { path: '/a', pageviews: 3, sessions: 2 },
      { path: '/b', pageviews: 1, sessions: 1 },
    ]);
    expect((await run(batch)).size).toBe(0);
    expect((await run([...batch].reverse())).size).toBe(0);
    expect(await statsOf(site)).toEqual(first);
  });

  it('counts only the new events of a batch that mixes redelivered and new ones', async () => {
    const site = newSite();
    const old = [pageview(site, 's1', '/a'), pageview(site, 's2', '/a')];
    await run(old);
    await run([old[1]!, pageview(site, 's2', '/b'), pageview(site, 's3', '/a')]);
    const stats = await statsOf(site);
    expect(stats.totals).toMatchObject({ visitors: 3, sessions: 3, pageviews: 4 });
    expect(stats.pages).toEqual([
      { path: '/a', pageviews: 3, sessions: 3 },
      { path: '/b', pageviews: 1, sessions: 1 },
    ]);
  });

  it('counts a visitorId once a day across its sessions, and a session once even when its first event had no visitorId', async () => {
    const site = newSite();
    await run([forwardEvent({ kind: 'request', name: 'request', url: `https://${site}/v1/r?next=%2Fa`, sessionId: 's1', visitorId: undefined, at })]);
    await run([pageview(site, 's1', '/a', { visitorId: 'same-browser' })]);
    await run([pageview(site, 's2', '/a', { visitorId: 'same-browser' })]);
    await run([pageview(site, 's3', '/a', { visitorId: 'same-browser' })]);
    const stats = await statsOf(site);
    expect(stats.totals).toMatchObject({ visitors: 1, sessions: 3, pageviews: 4 });
    expect(stats.browsers).toEqual([{ value: 'Chrome', count: 1 }]);
  });

  it('counts concurrent batches of one visitor once', async () => {
    const site = newSite();
    await Promise.all(Array.from({ length: 8 }, (_, index) => run([pageview(site, `s${index}`, '/a', { visitorId: 'one-browser' }), pageview(site, 's0', '/a', { visitorId: 'one-browser' })])));
    const stats = await statsOf(site);
    expect(stats.totals).toMatchObject({ visitors: 1, sessions: 8, pageviews: 16 });
    expect(stats.pages).toEqual([{ path: '/a', pageviews: 16, sessions: 8 }]);
  });

  it('fails every event of a (site, day) whose counters could not be written, takes the claims back, and counts them once on redelivery', async () => {
    const site = newSite();
    const other = newSite();
    const real = dynamoAggregateStore(db().table);
    let failNext = true;
    const flaky: AggregateStore = {
      ...real,
      addDayCounters: async (s, day, increments, latestAt) => {
        if (s === site && failNext) {
          failNext = false;
          throw new Error('ProvisionedThroughputExceededException');
        }
        return real.addDayCounters(s, day, increments, latestAt);
      },
    };
    const batch = [pageview(site, 's1', '/a'), pageview(site, 's2', '/a', { visitorId: 'v2' }), pageview(other, 's1', '/a')];
    const failures = await run(batch, flaky);
    expect([...failures.keys()].sort()).toEqual([batch[0]!.eventId, batch[1]!.eventId].sort());
    expect((await statsOf(site)).totals.pageviews).toBe(0);
    expect((await statsOf(other)).totals.pageviews).toBe(1);
    // Nothing of the failed claims is left on the markers: the redelivery counts them as new.
    expect((await run(batch, flaky)).size).toBe(0);
    expect((await statsOf(site)).totals).toMatchObject({ visitors: 2, sessions: 2, pageviews: 2 });
    expect((await statsOf(site)).pages).toEqual([{ path: '/a', pageviews: 2, sessions: 2 }]);
    expect((await statsOf(other)).totals.pageviews).toBe(1);
  });

  it('fails a session group whose visitor marker could not be claimed, and releases its session marker', async () => {
    const site = newSite();
    const real = dynamoAggregateStore(db().table);
    const broken: AggregateStore = { ...real, claimVisitor: async () => Promise.reject(new Error('throttled')) };
    const event = pageview(site, 's1', '/a');
    expect([...(await run([event], broken)).keys()]).toEqual([event.eventId]);
    expect((await run([event])).size).toBe(0);
    expect((await statsOf(site)).totals).toMatchObject({ visitors: 1, sessions: 1, pageviews: 1 });
  });

  it('keeps markers free of session ids, visitorIds, event ids and paths, with a TTL', async () => {
    const site = newSite();
    const event = pageview(site, 'secret-session-id', '/private-path', { visitorId: 'secret-visitor-id' });
    await run([event]);
    const markers = (await db().scan()).filter((item) => typeof item.pk === 'string' && (item.pk.startsWith(`AGS#${site}#`) || item.pk.startsWith(`AGV#${site}#`)));
    expect(markers).toHaveLength(2);
    const text = JSON.stringify(markers, (_key, value: unknown) => (value instanceof Set ? [...value] : value));
    for (const secret of ['secret-session-id', 'secret-visitor-id', event.eventId, '/private-path']) expect(text).not.toContain(secret);
    for (const marker of markers) expect(marker.expiresAt).toEqual(expect.any(Number));
  });

  it('folds new open-ended values into (other) once a day item is full, while known values keep counting', async () => {
    const site = newSite();
    const store = dynamoAggregateStore(db().table, { softLimitKb: 1 });
    const long = (name: string) => `/${name}-${'x'.repeat(150)}`;
    await run(Array.from({ length: 8 }, (_, index) => pageview(site, `s${index}`, long(`page${index}`))), store);
    await run([pageview(site, 'late', long('page0')), pageview(site, 'late', '/new-page')], store);
    const pages = (await statsOf(site)).pages ?? [];
    expect(pages.find((page) => page.path === long('page0'))).toEqual({ path: long('page0'), pageviews: 2, sessions: 2 });
    expect(pages.find((page) => page.path === '/new-page')).toBeUndefined();
    expect(pages.find((page) => page.path === '(other)')).toEqual({ path: '(other)', pageviews: 1, sessions: 1 });
    expect((await statsOf(site)).totals.pageviews).toBe(10);
  });

  it('lists the site with its first and latest day', async () => {
    const site = newSite();
    await run([pageview(site, 's1', '/a'), pageview(site, 's1', '/b', { at: '2026-11-20T08:00:00.000Z' })]);
    expect(await db().getItem(keys.aggregateSite(site))).toMatchObject({ firstDay: '2026-11-20', lastDay: '2026-11-22', type: 'aggregate_site' });
    expect(log).not.toHaveBeenCalled();
  });

  it('costs one write per session group, one per new visitor, one counter write per (site, day) and one site listing per cold start; a new cookie with a visitorId one read', async () => {
    const site = newSite();
    const store = dynamoAggregateStore(db().table);
    // Ten pageviews of two sessions (two visitors, two new cookies), one site and day: what a quiet site's batch looks like.
    const batch = Array.from({ length: 10 }, (_, index) => pageview(site, `s${index % 2}`, `/p${index % 4}`, { sessionStartedAt: at }));
    const { writeUnits, operations } = await meter.measure(() => run(batch, store));
    expect(operations.filter((op) => op.kind === 'write').map((op) => op.operation)).toEqual(Array(6).fill('UpdateItem'));
    expect(writeUnits).toBe(6);
    // Returning devices by visitorId: one Query of each new visitor's earlier days, no device marker.
    expect(operations.filter((op) => op.kind === 'read').map((op) => op.operation)).toEqual(['Query', 'Query']);
    // The same two browsers back with their cookies on the next day: no device marker, they are returning by cookie.
    const nextDay = batch.map((event) => ({ ...event, eventId: `${event.eventId}-next`, at: '2026-11-23T09:00:00.000Z' }));
    const later = await meter.measure(() => aggregateBatch(nextDay, { store, now: () => new Date('2026-11-23T09:01:00.000Z'), log }));
    expect(later.writeUnits).toBe(6);
    const nextStats = await readStats(db().table, parseStatsQuery(new URLSearchParams(`site=${site}&from=2026-11-23&to=2026-11-23`), NOW));
    expect(nextStats.totals).toMatchObject({ sessions: 2, returning: 2, returningByCookie: 2, returningByVisitorId: 0 });
    // A redelivery of the whole batch: the two marker writes, nothing else.
    const again = await meter.measure(() => run(batch, store));
    expect(again.writeUnits).toBe(2);
  });
});
