import { addDayCounters } from '../../../../../layers/core/src/store/aggregates/add-day-counters';
import { addDropCount } from '../../../../../layers/core/src/store/aggregates/add-drop-count';
import { listAggregateSites } from '../../../../../layers/core/src/store/aggregates/list-aggregate-sites';
import { queryDayCounters } from '../../../../../layers/core/src/store/aggregates/query-day-counters';
import { touchAggregateSite } from '../../../../../layers/core/src/store/aggregates/touch-aggregate-site';
import { useDynaliteTable } from '../table-fixture';

describe('queryDayCounters()', () => {
  const db = useDynaliteTable();

  it('returns the day and drop items of the range only, for that site only', async () => {
    for (const day of ['2026-11-19', '2026-11-20', '2026-11-21', '2026-11-22']) {
      await addDayCounters(db().table, 'a.example', day, new Map([['pv', 1]]), `${day}T10:00:00.000Z`);
    }
    await addDayCounters(db().table, 'a.example.evil', '2026-11-20', new Map([['pv', 1]]), '2026-11-20T10:00:00.000Z');
    await addDropCount(db().table, 'a.example', '2026-11-21', 'bot');
    await addDropCount(db().table, 'a.example', '2026-11-21', 'bot');
    await addDropCount(db().table, 'a.example', '2026-11-21', 'gpc');
    const items = await queryDayCounters(db().table, 'a.example', '2026-11-20', '2026-11-21');
    expect(items.map((item) => item.sk)).toEqual(['D#2026-11-20', 'D#2026-11-21', 'D#2026-11-21#drops']);
    expect(items[2]).toMatchObject({ type: 'day_drops', bot: 2, gpc: 1 });
  });
});

describe('listAggregateSites()', () => {
  const db = useDynaliteTable();

  it('lists every touched site with its first and latest day; a day older than the latest moves only firstDay', async () => {
    await touchAggregateSite(db().table, 'b.example', '2026-11-22');
    await touchAggregateSite(db().table, 'b.example', '2026-11-20');
    await touchAggregateSite(db().table, 'b.example', '2026-11-21');
    await touchAggregateSite(db().table, 'a.example', '2026-11-01');
    expect(await listAggregateSites(db().table)).toEqual([
      { site: 'a.example', firstDay: '2026-11-01', lastDay: '2026-11-01' },
      { site: 'b.example', firstDay: '2026-11-20', lastDay: '2026-11-22' },
    ]);
  });
});
