import { PREFIXES, TOTALS } from '../../../../layers/core/src/aggregates/counters';
import { countGroup, planAggregation, type ClaimOutcome } from '../../../../layers/core/src/aggregates/fold';
import { forwardEvent } from '../../../helpers/forward-event-factory';

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
    });
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
