import { parseStatsQuery } from '../../../../layers/core/src/aggregates/stats-query';
import { summarizeDays } from '../../../../layers/core/src/aggregates/summarize';

const query = (text: string) => parseStatsQuery(new URLSearchParams(text), new Date('2026-11-22T12:00:00Z'));

const items = [
  { pk: 'AGG#a.example', sk: 'D#2026-11-20', pv: 5, uv: 2, ss: 3, ce: 1, gpc: 1, la: '2026-11-20T18:00:00.000Z', 'p:/x': 4, 's:/x': 2, 'p:/y': 1, 's:/y': 1, 'b:Chrome': 2, 'g:DE': 1, 'g:FR': 1, 'e:signup': 1, 'r:news.example': 2 },
  { pk: 'AGG#a.example', sk: 'D#2026-11-20#drops', bot: 7, gpc: 2 },
  { pk: 'AGG#a.example', sk: 'D#2026-11-21', pv: 2, uv: 1, ss: 1, la: '2026-11-21T09:30:00.000Z', 'p:/y': 2, 's:/y': 1, 'b:Firefox': 1, 'g:DE': 1, 'r:news.example': 1, 'r:search.example': 1 },
  // Outside the range, or not a day item: ignored.
  { pk: 'AGG#a.example', sk: 'D#2026-10-01', pv: 100 },
  { pk: 'AGG#a.example', sk: 'SOMETHING', pv: 100 },
];

describe('summarizeDays()', () => {
  it('sums the days, zero-fills the range and ranks every list', () => {
    const report = summarizeDays('a.example', items, query('from=2026-11-19&to=2026-11-21'));
    expect(report.totals).toEqual({ visitors: 3, sessions: 4, pageviews: 7, events: 1, gpc: 1, bots: 7, gpcDropped: 2, returning: 0, returningByCookie: 0, returningByVisitorId: 0, returningByFingerprint: 0 });
    expect(report.days).toEqual([
      { date: '2026-11-19', visitors: 0, sessions: 0, pageviews: 0, events: 0, gpc: 0, bots: 0, gpcDropped: 0, returning: 0, returningByCookie: 0, returningByVisitorId: 0, returningByFingerprint: 0 },
      { date: '2026-11-20', visitors: 2, sessions: 3, pageviews: 5, events: 1, gpc: 1, bots: 7, gpcDropped: 2, returning: 0, returningByCookie: 0, returningByVisitorId: 0, returningByFingerprint: 0 },
      { date: '2026-11-21', visitors: 1, sessions: 1, pageviews: 2, events: 0, gpc: 0, bots: 0, gpcDropped: 0, returning: 0, returningByCookie: 0, returningByVisitorId: 0, returningByFingerprint: 0 },
    ]);
    expect(report.pages).toEqual([
      { path: '/x', pageviews: 4, sessions: 2 },
      { path: '/y', pageviews: 3, sessions: 2 },
    ]);
    expect(report.referrers).toEqual([
      { value: 'news.example', count: 3 },
      { value: 'search.example', count: 1 },
    ]);
    expect(report.countries).toEqual([
      { value: 'DE', count: 2 },
      { value: 'FR', count: 1 },
    ]);
    expect(report.browsers).toEqual([
      { value: 'Chrome', count: 2 },
      { value: 'Firefox', count: 1 },
    ]);
    expect(report.events).toEqual([{ value: 'signup', count: 1 }]);
    expect(report.campaigns).toEqual([]);
    expect(report.drops).toEqual({ bot: 7, gpc: 2 });
    expect(report.latestEventAt).toBe('2026-11-21T09:30:00.000Z');
  });

  it('returns only the dimensions asked for, and at most limit entries', () => {
    const report = summarizeDays('a.example', items, query('from=2026-11-19&to=2026-11-21&dimension=pages&limit=1'));
    expect(Object.keys(report).sort()).toEqual(['from', 'latestEventAt', 'pages', 'site', 'to', 'totals']);
    expect(report.pages).toEqual([{ path: '/x', pageviews: 4, sessions: 2 }]);
  });

  it('answers an empty range with zeros', () => {
    const report = summarizeDays(null, [], query('from=2026-11-21&to=2026-11-22'));
    expect(report.site).toBeNull();
    expect(report.totals.pageviews).toBe(0);
    expect(report.days).toHaveLength(2);
    expect(report.latestEventAt).toBeNull();
  });
});
