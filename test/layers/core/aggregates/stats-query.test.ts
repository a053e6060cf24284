import { dayRange, MAX_RANGE_DAYS, parseStatsQuery, STATS_DIMENSIONS } from '../../../../layers/core/src/aggregates/stats-query';
import { InvalidPayloadError } from '../../../../layers/core/src/errors';

const NOW = new Date('2026-11-22T15:00:00.000Z');
const parse = (query: string) => parseStatsQuery(new URLSearchParams(query), NOW);

function fieldsOf(query: string): Record<string, string[]> {
  try {
    parse(query);
  } catch (error) {
    if (error instanceof InvalidPayloadError) return error.fields;
    throw error;
  }
  throw new Error(`accepted: ${query}`);
}

describe('parseStatsQuery()', () => {
  it('defaults to the last 30 UTC days, every dimension, 100 entries, the latest site', () => {
    expect(parse('')).toEqual({ site: undefined, from: '2026-10-24', to: '2026-11-22', dimensions: [...STATS_DIMENSIONS], limit: 100 });
  });

  it('reads site, from, to, dimension and limit', () => {
    expect(parse('site=Shop.Example&from=2026-11-01&to=2026-11-30&dimension=pages,countries&limit=5')).toEqual({
      site: 'shop.example',
      from: '2026-11-01',
      to: '2026-11-30',
      dimensions: ['pages', 'countries'],
      limit: 5,
    });
    expect(parse('site=127.0.0.1:3000&dimension=days&dimension=drops').dimensions).toEqual(['days', 'drops']);
    expect(parse('dimension=all').dimensions).toEqual([...STATS_DIMENSIONS]);
    expect(parse('site=[::1]:3000').site).toBe('[::1]:3000');
    expect(parse('site=my_host.example').site).toBe('my_host.example');
  });

  it('counts 30 days back from a given to', () => {
    expect(parse('to=2026-03-01')).toMatchObject({ from: '2026-01-31', to: '2026-03-01' });
  });

  it.each([
    ['site=https://shop.example', 'site'],
    ['site=shop.example/path', 'site'],
    ['site=-bad.example', 'site'],
    ['from=2026-02-30', 'from'],
    ['from=22-11-2026', 'from'],
    ['to=2026-13-01', 'to'],
    ['from=2026-11-10&to=2026-11-01', 'from'],
    ['from=2024-01-01&to=2026-01-01', 'to'],
    ['dimension=pages,secrets', 'dimension'],
    ['limit=0', 'limit'],
    ['limit=1001', 'limit'],
    ['limit=1e2', 'limit'],
  ])('refuses %s with a 400 naming %s', (query, field) => {
    expect(Object.keys(fieldsOf(query))).toEqual([field]);
  });

  it(`allows a range of exactly ${MAX_RANGE_DAYS} days`, () => {
    expect(parse('from=2025-11-22&to=2026-11-22')).toMatchObject({ from: '2025-11-22' });
  });
});

describe('dayRange()', () => {
  it('lists every day, across month and year ends', () => {
    expect(dayRange('2026-12-30', '2027-01-02')).toEqual(['2026-12-30', '2026-12-31', '2027-01-01', '2027-01-02']);
    expect(dayRange('2028-02-28', '2028-03-01')).toEqual(['2028-02-28', '2028-02-29', '2028-03-01']);
  });
});
