import { claimVisitorDay } from '../../../../../layers/core/src/store/aggregates/claim-visitor-day';
import { findEarlierVisitorDay } from '../../../../../layers/core/src/store/aggregates/find-earlier-visitor-day';
import { shiftDay } from '../../../../../layers/core/src/aggregates/site-day';
import { keys } from '../../../../../layers/core/src/store/keys';
import { createCapacityMeter } from '../../../../helpers/capacity';
import { useDynaliteTable } from '../table-fixture';

const site = 'shop.example';
const claim = (visitorHash: string, day: string, device = true) =>
  claimVisitorDay(db().table, { site, day, visitorHash, token: `t-${day}`, device, retentionDays: 90, now: new Date(`${day}T10:00:00.000Z`) });
const seen = (visitorHash: string, day: string) => findEarlierVisitorDay(db().table, { site, visitorHash, day, lookBackDays: 90 });
const meter = createCapacityMeter();
const db = useDynaliteTable({ meter });

describe('shiftDay()', () => {
  it('moves a UTC day across months and years', () => {
    expect(shiftDay('2026-03-01', -1)).toBe('2026-02-28');
    expect(shiftDay('2026-01-15', -90)).toBe('2025-10-17');
    expect(shiftDay('2026-12-31', 1)).toBe('2027-01-01');
  });
});

describe('claimVisitorDay() keyed by (site, visitor, day)', () => {
  it('puts a visitor\'s days in one partition, sorted by day, kept 90 days from the later of the day and the claim, with dv only for a device session', async () => {
    await claim('layout', '2026-11-20');
    await claim('layout', '2026-11-22', false);
    expect(keys.visitorDayMarker(site, '2026-11-20', 'layout')).toEqual({ pk: `AGV#${site}#layout`, sk: 'D#2026-11-20' });
    const first = await db().getItem(keys.visitorDayMarker(site, '2026-11-20', 'layout'));
    expect(first).toMatchObject({ type: 'visitor_day_marker', seen: 't-2026-11-20', dv: true, expiresAt: Date.parse('2026-11-20T10:00:00.000Z') / 1000 + 90 * 86400 });
    const second = await db().getItem(keys.visitorDayMarker(site, '2026-11-22', 'layout'));
    expect(second).not.toHaveProperty('dv');
  });
});

describe('findEarlierVisitorDay()', () => {
  it('recognises a visitorId counted on an earlier day within 90 days by one read of one unit, and writes nothing', async () => {
    await claim('back', '2026-09-01');
    const { writeUnits, operations } = await meter.measure(() => seen('back', '2026-11-22'));
    expect(operations).toEqual([expect.objectContaining({ operation: 'Query', kind: 'read', units: 1 })]);
    expect(writeUnits).toBe(0);
    expect(await seen('back', '2026-11-22')).toBe(true);
  });

  it('looks back exactly 90 days: the day 90 days before counts, 91 does not, nor the same day or a later one', async () => {
    await claim('edge', '2026-08-24');
    expect(shiftDay('2026-11-22', -90)).toBe('2026-08-24');
    expect(await seen('edge', '2026-11-22')).toBe(true);
    expect(await seen('edge', '2026-11-23')).toBe(false);
    expect(await seen('edge', '2026-08-24')).toBe(false);
    expect(await seen('edge', '2026-08-20')).toBe(false);
    expect(await seen('nobody', '2026-11-22')).toBe(false);
  });

  it('skips days counted only by GPC sessions (no dv), reading on to an older day that counts', async () => {
    await claim('mixed', '2026-10-01');
    for (const day of ['2026-11-01', '2026-11-05', '2026-11-10']) await claim('mixed', day, false);
    expect(await seen('mixed', '2026-11-22')).toBe(true);
    for (const day of ['2026-11-01', '2026-11-05']) await claim('gpc-only', day, false);
    expect(await seen('gpc-only', '2026-11-22')).toBe(false);
  });

  it('keeps visitors and sites apart', async () => {
    await claim('one', '2026-11-01');
    expect(await seen('one-other', '2026-11-22')).toBe(false);
    expect(await findEarlierVisitorDay(db().table, { site: 'other.example', visitorHash: 'one', day: '2026-11-22', lookBackDays: 90 })).toBe(false);
  });
});
