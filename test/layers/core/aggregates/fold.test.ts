import { HOURLY, PREFIXES, TOTALS } from '../../../../layers/core/src/aggregates/counters';
import { countGroup, planAggregation, type ClaimOutcome, type SessionGroup } from '../../../../layers/core/src/aggregates/fold';
import { forwardEvent } from '../../../helpers/forward-event-factory';
import type { ForwardEvent } from '../../../../layers/core/src/forwarding/event';

const NOW = new Date('2026-11-22T12:00:00.000Z');
const firstClaim: ClaimOutcome = { newSession: true, countedEvents: new Set(), countedPages: new Set(), newVisitor: true };
const at = '2026-11-22T10:00:00.000Z';

describe('planAggregation()', () => {
  it('groups events by site, UTC day and session, with the first visitorId of the group', () => {
    const events = [
      forwardEvent({ sessionId: 's1', visitorId: undefined, kind: 'request', name: 'request', url: 'https://a.example/v1/r?next=%2Fx', at }),
      forwardEvent({ sessionId: 's1', visitorId: 'v1', url: 'https://a.example/x', at }),
      forwardEvent({ sessionId: 's1', visitorId: 'v1', url: 'https://b.example/x', at }),
      forwardEvent({ sessionId: 's1', visitorId: 'v1', url: 'https://a.example/y', at: '2026-11-21T23:59:00.000Z' }),
      forwardEvent({ sessionId: 's2', visitorId: 'v1', url: 'https://a.example/x', at }),
    ];
    const { groups, skipped } = planAggregation(events);
    expect(skipped).toEqual([]);
    expect(groups.map((group) => [group.site, group.day, group.events.length])).toEqual([
      ['a.example', '2026-11-22', 2],
      ['b.example', '2026-11-22', 1],
      ['a.example', '2026-11-21', 1],
      ['a.example', '2026-11-22', 1],
    ]);
    expect(groups[0]!.visitorHash).toBeDefined();
    expect(groups[0]!.visitorHash).toBe(groups[3]!.visitorHash);
    expect(groups[0]!.sessionHash).not.toBe(groups[3]!.sessionHash);
    // Nothing personal in a group: ids are hashes.
    expect(JSON.stringify(groups)).not.toMatch(/"s1"|"v1"/);
  });

  it('skips activity rows and events without a page URL or session, counts old events on their day, and drops duplicate ids', () => {
    const duplicate = forwardEvent({ at });
    const old = new Date(NOW.getTime() - 400 * 86_400_000).toISOString();
    const events = [
      duplicate,
      duplicate,
      forwardEvent({ kind: 'activity', name: 'activity', url: undefined, path: '/login', at }),
      forwardEvent({ url: undefined, at }),
      forwardEvent({ sessionId: undefined, at }),
      forwardEvent({ at: old }),
    ];
    const { groups, skipped } = planAggregation(events);
    expect(groups.map((group) => [group.day, group.events.map((event) => event.eventId)])).toEqual([
      [at.slice(0, 10), [duplicate.eventId]],
      [old.slice(0, 10), [events[5]!.eventId]],
    ]);
    expect(skipped.map((skip) => skip.reason)).toEqual(['no_site', 'no_site', 'no_session']);
  });
});

describe('countGroup()', () => {
  const group = (events: ReturnType<typeof forwardEvent>[]) => planAggregation(events).groups[0]!;

  it('counts pageviews, unique pages per session, referrers, UTM and the new visitor with its browser, OS, device and country', () => {
    const g = group([
      forwardEvent({ url: 'https://a.example/x?utm_campaign=spring&utm_source=news', referrer: 'https://news.example/', at, country: 'FR' }),
      forwardEvent({ url: 'https://a.example/x', referrer: 'https://a.example/', at }),
      forwardEvent({ url: 'https://a.example/y', referrer: undefined, at }),
      forwardEvent({ kind: 'event', name: 'signup', url: 'https://a.example/y', at, gpc: true }),
    ]);
    const { increments, fresh } = countGroup(g, firstClaim);
    expect(fresh).toHaveLength(4);
    expect(Object.fromEntries(increments)).toEqual({
      [TOTALS.pageviews]: 3,
      [TOTALS.sessions]: 1,
      [TOTALS.visitors]: 1,
      [TOTALS.events]: 1,
      [TOTALS.gpc]: 1,
      [`${PREFIXES.pages}/x`]: 2,
      [`${PREFIXES.pages}/y`]: 1,
      [`${PREFIXES.pageSessions}/x`]: 1,
      [`${PREFIXES.pageSessions}/y`]: 1,
      [`${PREFIXES.referrers}news.example`]: 1,
      [`${PREFIXES.campaigns}spring`]: 1,
      [`${PREFIXES.sources}news`]: 1,
      [`${PREFIXES.events}signup`]: 1,
      [`${PREFIXES.browsers}Chrome`]: 1,
      [`${PREFIXES.os}Linux`]: 1,
      [`${PREFIXES.devices}desktop`]: 1,
      [`${PREFIXES.countries}FR`]: 1,
      [`${HOURLY.pageviews}10`]: 3,
      [`${HOURLY.visitors}10`]: 1,
      [`${PREFIXES.entries}/x`]: 1,
    });
  });

  it('counts a returning device once per new session: by an older cookie, else as the claim recognised it; never with GPC or without a device key', () => {
    const started = (sessionStartedAt: string, extra: Partial<ForwardEvent> = {}) => group([forwardEvent({ at, sessionStartedAt, ...extra })]);
    const returning = (g: SessionGroup, claim: ClaimOutcome) =>
      Object.fromEntries([...countGroup(g, claim).increments].filter(([name]) => ['rc', 'rv', 'rf'].includes(name)));
    const earlier = '2026-11-20T08:00:00.000Z';
    expect(returning(started(earlier), firstClaim)).toEqual({ [TOTALS.returningByCookie]: 1 });
    expect(returning(started(at), { ...firstClaim, recognisedBy: 'visitorId' })).toEqual({ [TOTALS.returningByVisitorId]: 1 });
    expect(returning(started(at, { visitorId: undefined, requestFingerprint: 'fp1' }), { ...firstClaim, recognisedBy: 'fingerprint' })).toEqual({ [TOTALS.returningByFingerprint]: 1 });
    expect(returning(started(at), firstClaim)).toEqual({});
    expect(returning(started(earlier, { gpc: true }), firstClaim)).toEqual({});
    expect(returning(started(earlier, { visitorId: undefined, requestFingerprint: undefined }), firstClaim)).toEqual({});
    expect(returning(started(earlier), { ...firstClaim, newSession: false })).toEqual({});
    expect(started(earlier, { gpc: true }).device).toBeUndefined();
    expect(started(at, { visitorId: undefined, requestFingerprint: 'fp1' }).device).toMatchObject({ kind: 'fingerprint' });
  });

  it('moves a recent session to its latest minute for the realtime count, and leaves older ones alone', () => {
    const now = new Date('2026-11-22T10:07:30.000Z');
    const g = group([forwardEvent({ at: '2026-11-22T10:05:10.000Z' }), forwardEvent({ at: '2026-11-22T10:07:01.000Z' })]);
    const realtime = (claim: ClaimOutcome, when = now) => Object.fromEntries([...countGroup(g, claim, when).increments].filter(([name]) => /^t\d{4}$/.test(name)));
    expect(realtime(firstClaim)).toEqual({ t1007: 1 });
    expect(realtime({ ...firstClaim, lastMinute: '1004' })).toEqual({ t1007: 1, t1004: -1 });
    // Last active before the window: nothing to take back there.
    expect(realtime({ ...firstClaim, lastMinute: '0950' })).toEqual({ t1007: 1 });
    expect(realtime({ ...firstClaim, lastMinute: '1007' })).toEqual({});
    expect(realtime(firstClaim, new Date('2026-11-22T10:20:00.000Z'))).toEqual({});
  });

  it('counts nothing for events the marker already had (a redelivery)', () => {
    const g = group([forwardEvent({ at }), forwardEvent({ at })]);
    const all = new Set(g.events.map((event) => event.eventHash));
    const { increments, fresh } = countGroup(g, { newSession: false, countedEvents: all, countedPages: new Set(g.events.map((event) => event.pageHash!)) });
    expect(fresh).toEqual([]);
    expect(increments.size).toBe(0);
  });

  it('counts a page once per session: a page the marker had adds pageviews but no session', () => {
    const g = group([forwardEvent({ url: 'https://a.example/x', at })]);
    const { increments } = countGroup(g, { newSession: false, countedEvents: new Set(), countedPages: new Set([g.events[0]!.pageHash!]) });
    expect(increments.get(`${PREFIXES.pages}/x`)).toBe(1);
    expect(increments.has(`${PREFIXES.pageSessions}/x`)).toBe(false);
    expect(increments.has(TOTALS.visitors)).toBe(false);
  });

  it('counts a new session of a known visitorId as a session, not a visitor', () => {
    const g = group([forwardEvent({ at })]);
    const { increments } = countGroup(g, { ...firstClaim, newVisitor: false });
    expect(increments.get(TOTALS.sessions)).toBe(1);
    expect(increments.has(TOTALS.visitors)).toBe(false);
    expect([...increments.keys()].some((name) => name.startsWith(PREFIXES.browsers))).toBe(false);
  });

  it('counts a session without a visitorId as its own visitor, of unknown browser when anonymous', () => {
    const g = group([forwardEvent({ visitorId: undefined, userAgent: undefined, country: undefined, gpc: true, at })]);
    const { increments } = countGroup(g, { newSession: true, countedEvents: new Set(), countedPages: new Set() });
    expect(increments.get(TOTALS.visitors)).toBe(1);
    expect(increments.get(`${PREFIXES.browsers}(unknown)`)).toBe(1);
    expect(increments.get(`${PREFIXES.countries}(unknown)`)).toBe(1);
  });

  it('counts fingerprinted requests as pageviews and keeps referrers to browser pageviews', () => {
    const g = group([forwardEvent({ kind: 'request', name: 'request', url: 'https://a.example/landing', referrer: 'https://news.example/', visitorId: undefined, at })]);
    const { increments } = countGroup(g, firstClaim);
    expect(increments.get(TOTALS.pageviews)).toBe(1);
    expect(increments.get(`${PREFIXES.pageSessions}/landing`)).toBe(1);
    expect([...increments.keys()].some((name) => name.startsWith(PREFIXES.referrers))).toBe(false);
  });
});
