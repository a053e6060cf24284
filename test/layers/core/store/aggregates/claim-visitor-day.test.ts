import { claimVisitorDay } from '../../../../../layers/core/src/store/aggregates/claim-visitor-day';
import { releaseVisitorDay } from '../../../../../layers/core/src/store/aggregates/release-visitor-day';
import { keys } from '../../../../../layers/core/src/store/keys';
import { useDynaliteTable } from '../table-fixture';

const marker = { site: 'shop.example', day: '2026-11-22', visitorHash: 'v1', retentionDays: 22 };

describe('claimVisitorDay()', () => {
  const db = useDynaliteTable();

  it('is true only for the claim that created the marker, also under parallel claims', async () => {
    const results = await Promise.all(Array.from({ length: 10 }, (_, index) => claimVisitorDay(db().table, { ...marker, token: `t${index}` })));
    expect(results.filter((result) => result.created)).toHaveLength(1);
    expect((await claimVisitorDay(db().table, { ...marker, token: 'later' })).created).toBe(false);
  });
});

describe('releaseVisitorDay()', () => {
  const db = useDynaliteTable();

  it('deletes the marker only for the token that created it', async () => {
    const other = { ...marker, visitorHash: 'v2' };
    expect((await claimVisitorDay(db().table, { ...other, token: 'mine' })).created).toBe(true);
    await releaseVisitorDay(db().table, { ...other, token: 'someone-else' });
    expect(await db().getItem(keys.visitorDayMarker(other.site, other.day, other.visitorHash))).toMatchObject({ seen: 'mine', type: 'visitor_day_marker' });
    await releaseVisitorDay(db().table, { ...other, token: 'mine' });
    expect(await db().getItem(keys.visitorDayMarker(other.site, other.day, other.visitorHash))).toBeUndefined();
  });
});
