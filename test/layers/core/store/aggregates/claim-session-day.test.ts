import { claimSessionDay } from '../../../../../layers/core/src/store/aggregates/claim-session-day';
import { releaseSessionDay } from '../../../../../layers/core/src/store/aggregates/release-session-day';
import { keys } from '../../../../../layers/core/src/store/keys';
import { useDynaliteTable } from '../table-fixture';

const base = { site: 'shop.example', day: '2026-11-22', now: new Date('2026-11-22T10:00:00Z'), retentionDays: 22 };

describe('claimSessionDay()', () => {
  const db = useDynaliteTable();

  it('creates the marker and reports, on the next claim, which events and pages it already had', async () => {
    const first = await claimSessionDay(db().table, { ...base, sessionHash: 'h1', eventHashes: ['e1', 'e2'], pageHashes: ['p1'], visitorHash: 'v1' });
    expect(first).toEqual({ newSession: true, countedEvents: new Set(), countedPages: new Set(), visitorChecked: false });
    const second = await claimSessionDay(db().table, { ...base, sessionHash: 'h1', eventHashes: ['e2', 'e3'], pageHashes: ['p1', 'p2'] });
    expect(second).toEqual({ newSession: false, countedEvents: new Set(['e1', 'e2']), countedPages: new Set(['p1']), visitorChecked: true });
    const item = await db().getItem(keys.sessionDayMarker('shop.example', '2026-11-22', 'h1'));
    expect(item).toMatchObject({ type: 'session_day_marker', ev: new Set(['e1', 'e2', 'e3']), pg: new Set(['p1', 'p2']), vid: 'v1' });
    // The TTL counts from the later of the marker's day and the claim, so an old event's marker outlives its redeliveries.
    expect(item?.expiresAt).toBe(Date.parse('2026-11-22T10:00:00Z') / 1000 + 22 * 86400);
  });
});

describe('releaseSessionDay()', () => {
  const db = useDynaliteTable();

  it('takes back only what the claim added', async () => {
    await claimSessionDay(db().table, { ...base, sessionHash: 'h2', eventHashes: ['old'], pageHashes: ['p-old'] });
    await claimSessionDay(db().table, { ...base, sessionHash: 'h2', eventHashes: ['new'], pageHashes: ['p-new'], visitorHash: 'v' });
    await releaseSessionDay(db().table, { site: base.site, day: base.day, sessionHash: 'h2', eventHashes: ['new'], pageHashes: ['p-new'], forgetSession: false, forgetVisitor: true });
    const item = await db().getItem(keys.sessionDayMarker('shop.example', '2026-11-22', 'h2'));
    expect(item).toMatchObject({ ev: new Set(['old']), pg: new Set(['p-old']) });
    expect(item).not.toHaveProperty('vid');
    expect(item).toHaveProperty('seen');
  });

  it('leaves a marker it created looking new again', async () => {
    await claimSessionDay(db().table, { ...base, sessionHash: 'h3', eventHashes: ['e'], pageHashes: ['p'] });
    await releaseSessionDay(db().table, { site: base.site, day: base.day, sessionHash: 'h3', eventHashes: ['e'], pageHashes: ['p'], forgetSession: true, forgetVisitor: false });
    expect(await claimSessionDay(db().table, { ...base, sessionHash: 'h3', eventHashes: ['e'], pageHashes: ['p'] })).toMatchObject({ newSession: true, countedEvents: new Set(), countedPages: new Set() });
  });
});
