import { call, collectJson, countItems, scanTable, useLocalStack } from '../helpers/local-stack';

const BOT = 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)';

interface Stats {
  site: string | null;
  totals: { pageviews: number; bots: number; gpcDropped: number; gpc: number };
  days: { date: string; bots: number; gpcDropped: number }[];
  drops: { bot: number; gpc: number };
}

/**
 * `/v1/stats` and the drop counters the collecting handlers keep for it, with GPC in `drop` mode
 * (nothing of a GPC visitor is recorded, only counted).
 */
describe('stats()', () => {
  const stack = useLocalStack({ env: { EDGEPRINT_GPC_MODE: 'drop', EDGEPRINT_DEBOUNCE_SECONDS: '0' } });
  const statsOf = async (site: string): Promise<Stats> => {
    const response = await call(stack(), `/v1/stats?site=${encodeURIComponent(site)}`, { headers: { authorization: `Bearer ${stack().env.EDGEPRINT_API_KEY}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    return (await response.json()) as Stats;
  };

  it('counts bot and GPC drops of collect per site and day, and records nothing else for them', async () => {
    const before = await countItems(stack());
    for (let index = 0; index < 3; index += 1) expect((await collectJson(stack(), { id: 'bot', url: 'https://drops.example/a' }, { headers: { 'user-agent': BOT } })).status).toBe(204);
    expect((await collectJson(stack(), { id: 'noUa', url: 'https://drops.example/a' }, { headers: { 'user-agent': '' } })).status).toBe(204);
    expect((await collectJson(stack(), { id: 'private', url: 'https://drops.example/a' }, { headers: { 'sec-gpc': '1' } })).status).toBe(204);
    // Nothing about the visitors (countItems leaves the aggregates out); the one item written is the drop counters of the day.
    expect(await countItems(stack())).toBe(before);
    const today = new Date().toISOString().slice(0, 10);
    const written = (await scanTable(stack())).filter((item) => String(item.pk).startsWith('AGG#drops.example'));
    expect(written).toEqual([expect.objectContaining({ pk: 'AGG#drops.example', sk: `D#${today}#drops`, type: 'day_drops', bot: 4, gpc: 1 })]);
    await stack().queue.drain(20_000);
    const stats = await statsOf('drops.example');
    expect(stats.totals).toMatchObject({ pageviews: 0, bots: 4, gpcDropped: 1, gpc: 0 });
    expect(stats.drops).toEqual({ bot: 4, gpc: 1 });
    expect(stats.days.at(-1)).toMatchObject({ date: new Date().toISOString().slice(0, 10), bots: 4, gpcDropped: 1 });
  });

  it('counts a bot on the redirect page under the redirect page\u2019s own host', async () => {
    const host = new URL(stack().url).host;
    const before = (await statsOf(host)).totals.bots;
    expect((await call(stack(), '/v1/r?next=%2Fsomewhere', { headers: { 'user-agent': BOT } })).status).toBe(200);
    expect((await statsOf(host)).totals.bots).toBe(before + 1);
  });

  it('counts nothing for a refused report (a 4xx changes nothing)', async () => {
    const before = await countItems(stack());
    expect((await collectJson(stack(), { id: 'bad id!', url: 'https://drops.example/a' }, { headers: { 'user-agent': BOT } })).status).toBe(400);
    expect(await countItems(stack())).toBe(before);
  });

  it('answers an empty report for a site without data', async () => {
    const stats = await statsOf('never-seen.example');
    expect(stats.site).toBe('never-seen.example');
    expect(stats.totals).toMatchObject({ pageviews: 0, bots: 0 });
    expect(stats.days).toHaveLength(30);
  });
});
