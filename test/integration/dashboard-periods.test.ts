import { aggregateBatch } from '../../layers/core/src/aggregates/aggregate-batch';
import { createTableContext } from '../../layers/core/src/store/client';
import { dynamoAggregateStore } from '../../layers/core/src/store/dynamo-aggregate-store';
import { call, useLocalStack } from '../helpers/local-stack';
import { modelPeriod, periodEvents, planPeriods, realtimeSessions, type PeriodModel } from '../helpers/period-traffic';

const SITE = 'periods.example';

interface Totals {
  visitors: number;
  sessions: number;
  pageviews: number;
  returning: number;
  returningByCookie: number;
  returningByVisitorId: number;
  returningByFingerprint: number;
}
interface Answer {
  from: string;
  to: string;
  totals: Totals;
  days: { date: string; visitors: number; pageviews: number }[];
  hours?: { hour: string; visitors: number; pageviews: number }[];
  entries: { value: string; count: number }[];
  previous?: { from: string; to: string; totals: Totals; days?: unknown[]; hours?: { hour: string; visitors: number; pageviews: number }[] };
}

/**
 * Two periods (yesterday and today) of generated queue messages, aggregated by the real
 * aggregateBatch() into the local stack's embedded DynamoDB (the queue itself is covered by
 * aggregates.test.ts), then read over HTTP from /v1/stats and /v1/stats/realtime and checked
 * against a model of the traffic: totals, the previous period, hourly points, entry pages,
 * returning devices and the realtime count.
 */
describe('dashboard periods: compare, hours, entry pages, returning devices, realtime', () => {
  const stack = useLocalStack({});
  const apiKey = () => ({ 'x-api-key': stack().env.EDGEPRINT_API_KEY! });
  let plan: ReturnType<typeof planPeriods>;
  let today: string;
  let yesterday: string;

  beforeAll(async () => {
    const now = new Date();
    today = now.toISOString().slice(0, 10);
    yesterday = new Date(now.getTime() - 86_400_000).toISOString().slice(0, 10);
    plan = planPeriods(now);
    const table = createTableContext({ tableName: stack().tableName, region: 'us-east-1', endpoint: stack().dynamodbEndpoint });
    const store = dynamoAggregateStore(table);
    const events = [...periodEvents(SITE, plan.yesterday), ...periodEvents(SITE, plan.today)];
    for (let start = 0; start < events.length; start += 4) {
      const failures = await aggregateBatch(events.slice(start, start + 4), { store, log: () => undefined, now: () => now });
      expect(failures.size).toBe(0);
    }
    table.client.destroy();
  });

  async function stats(query: string): Promise<Answer> {
    const response = await call(stack(), `/v1/stats?site=${SITE}&${query}`, { headers: apiKey() });
    expect(response.status).toBe(200);
    return (await response.json()) as Answer;
  }

  const totalsOf = (model: PeriodModel): Totals => ({
    visitors: model.visitors,
    sessions: model.sessions,
    pageviews: model.pageviews,
    returning: model.returningByCookie + model.returningByVisitorId + model.returningByFingerprint,
    returningByCookie: model.returningByCookie,
    returningByVisitorId: model.returningByVisitorId,
    returningByFingerprint: model.returningByFingerprint,
  });

  it('answers today with the previous day beside it (compare=previous), hour by hour', async () => {
    const current = modelPeriod(plan.today, plan.yesterday);
    const before = modelPeriod(plan.yesterday, []);
    const answer = await stats(`from=${today}&to=${today}&compare=previous`);
    expect(answer.totals).toEqual(expect.objectContaining(totalsOf(current)));
    expect(answer.previous).toEqual(expect.objectContaining({ from: yesterday, to: yesterday, totals: expect.objectContaining(totalsOf(before)) }));
    expect(answer.hours!.map((hour) => hour.pageviews)).toEqual(current.hoursPageviews);
    expect(answer.hours!.map((hour) => hour.visitors)).toEqual(current.hoursVisitors);
    expect(answer.hours!.map((hour) => hour.hour)).toEqual(Array.from({ length: 24 }, (_, hour) => `${today}T${String(hour).padStart(2, '0')}:00:00.000Z`));
    expect(answer.previous!.hours!.map((hour) => hour.pageviews)).toEqual(before.hoursPageviews);
    expect(answer.previous!.hours!.map((hour) => hour.visitors)).toEqual(before.hoursVisitors);
    const entries = [...current.entries].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([value, count]) => ({ value, count }));
    expect(answer.entries).toEqual(entries);
    // The model's own sanity: each way of returning occurs in this traffic.
    expect([current.returningByCookie, current.returningByVisitorId, current.returningByFingerprint]).toEqual([2, 1, 1]);
  });

  it('sums a two-day range and compares it with the two days before, with no hourly points', async () => {
    const both = [modelPeriod(plan.yesterday, []), modelPeriod(plan.today, plan.yesterday)];
    const answer = await stats(`from=${yesterday}&to=${today}&compare=previous`);
    expect(answer.totals.pageviews).toBe(both[0]!.pageviews + both[1]!.pageviews);
    expect(answer.totals.returning).toBe(4);
    expect(answer.hours).toBeUndefined();
    expect(answer.days.map((day) => day.pageviews)).toEqual([both[0]!.pageviews, both[1]!.pageviews]);
    expect(answer.previous!.totals).toEqual(expect.objectContaining({ visitors: 0, pageviews: 0, returning: 0 }));
    expect(answer.previous!.days).toHaveLength(2);
  });

  it('answers without previous when not asked to compare', async () => {
    const answer = await stats(`from=${today}&to=${today}`);
    expect(answer.previous).toBeUndefined();
    expect(answer.totals.sessions).toBe(plan.today.length);
  });

  it('counts the sessions of the last 5 minutes on /v1/stats/realtime', async () => {
    const response = await call(stack(), `/v1/stats/realtime?site=${SITE}`, { headers: apiKey() });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { site: string; visitors: number; since: string };
    const expected = realtimeSessions(plan.today, body.since);
    expect(expected).toBeGreaterThan(0);
    expect(body).toEqual({ site: SITE, visitors: expected, since: body.since });
    const none = await call(stack(), '/v1/stats/realtime?site=quiet.example', { headers: apiKey() });
    expect(await none.json()).toEqual({ site: 'quiet.example', visitors: 0, since: expect.any(String) });
  });
});
