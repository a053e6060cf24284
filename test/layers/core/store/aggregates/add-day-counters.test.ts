import { addDayCounters } from '../../../../../layers/core/src/store/aggregates/add-day-counters';
import { getPresentCounters } from '../../../../../layers/core/src/store/aggregates/get-present-counters';
import { keys } from '../../../../../layers/core/src/store/keys';
import { useDynaliteTable } from '../table-fixture';

describe('addDayCounters()', () => {
  const db = useDynaliteTable();

  it('adds every increment in one write, with any attribute name, and reports the write units', async () => {
    const names = new Map([
      ['pv', 2],
      ['p:/a b/#x', 2],
      ['r:news.example', 1],
      ['e:sign.up', 1],
    ]);
    expect(await addDayCounters(db().table, 'shop.example', '2026-11-22', names, '2026-11-22T10:00:00.000Z')).toBe(1);
    await addDayCounters(db().table, 'shop.example', '2026-11-22', new Map([['pv', 1], ['p:/a b/#x', 1]]), '2026-11-22T11:00:00.000Z');
    expect(await db().getItem(keys.dayCounters('shop.example', '2026-11-22'))).toMatchObject({
      type: 'day_counters',
      site: 'shop.example',
      day: '2026-11-22',
      la: '2026-11-22T11:00:00.000Z',
      pv: 3,
      'p:/a b/#x': 3,
      'r:news.example': 1,
      'e:sign.up': 1,
    });
  });

  it('is atomic under parallel writes', async () => {
    await Promise.all(Array.from({ length: 20 }, () => addDayCounters(db().table, 'par.example', '2026-11-22', new Map([['pv', 1], ['uv', 2]]), '2026-11-22T10:00:00.000Z')));
    expect(await db().getItem(keys.dayCounters('par.example', '2026-11-22'))).toMatchObject({ pv: 20, uv: 40 });
  });
});

describe('getPresentCounters()', () => {
  const db = useDynaliteTable();

  it('names the counters a day item has, of those asked', async () => {
    await addDayCounters(db().table, 'shop.example', '2026-11-22', new Map([['p:/a', 1]]), '2026-11-22T10:00:00.000Z');
    expect(await getPresentCounters(db().table, 'shop.example', '2026-11-22', ['p:/a', 'p:/b'])).toEqual(new Set(['p:/a']));
    expect(await getPresentCounters(db().table, 'nothing.example', '2026-11-22', ['p:/a'])).toEqual(new Set());
  });
});
