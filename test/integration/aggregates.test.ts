import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { expectedDay, planDay, rankedList, sendDay, type ExpectedSite, type PlannedDay } from '../helpers/aggregate-traffic';
import { call, hitsFor, useLocalStack } from '../helpers/local-stack';
import { useProviderStub } from '../helpers/provider-stub';

const WEBHOOK_SECRET = 'webhook-secret-for-tests-0123456789';
const SITES = ['alpha.example', 'beta.example', 'gamma.example:8443'];

interface Stats {
  site: string;
  totals: { visitors: number; sessions: number; pageviews: number; events: number; gpc: number; bots: number; gpcDropped: number };
  days: { date: string; visitors: number; pageviews: number }[];
  pages: { path: string; pageviews: number; sessions: number }[];
  [list: string]: unknown;
}

/**
 * The dashboard's aggregates end to end: a generated day of traffic (several sites, sessions,
 * pages, countries, user agents, GPC visitors, bots) through the real HTTP API, the local queue
 * drained into the real forwarder (aggregation included), then /v1/stats, checked against a model
 * of the traffic, against /v1/hits, and again after batches are redelivered.
 */
describe('aggregates through the local stack', () => {
  const stub = useProviderStub({ webhookSecret: WEBHOOK_SECRET });
  const stack = useLocalStack(() => ({
    // The queue is drained only by the test (the poller's interval is longer than the test), so messages can be read first.
    queue: { visibilityTimeoutMs: 200, pollIntervalMs: 3_600_000, batchSize: 10 },
    env: {
      EDGEPRINT_DEBOUNCE_SECONDS: '0',
      EDGEPRINT_PROVIDERS: JSON.stringify({ webhook: { url: `${stub.baseUrl}/webhook`, secret: WEBHOOK_SECRET } }),
    },
  }));
  const apiKey = () => ({ 'x-api-key': stack().env.EDGEPRINT_API_KEY! });
  const today = () => new Date().toISOString().slice(0, 10);
  const yesterday = () => new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);

  async function statsOf(site: string, query = ''): Promise<Stats> {
    // Yesterday too: a run across midnight UTC still sees all its events.
    const response = await call(stack(), `/v1/stats?site=${encodeURIComponent(site)}&from=${yesterday()}&to=${today()}${query}`, { headers: apiKey() });
    expect(response.status).toBe(200);
    return (await response.json()) as Stats;
  }

  function expectStats(stats: Stats, expected: ExpectedSite): void {
    expect(stats.totals).toEqual({
      visitors: expected.visitors,
      sessions: expected.sessions,
      pageviews: expected.pageviews,
      events: expected.events,
      gpc: expected.gpc,
      bots: expected.bots,
      gpcDropped: 0,
      // Every cookie is new today: returning devices are the browsers seen again by their visitorId.
      returning: expected.returningByVisitorId,
      returningByCookie: 0,
      returningByVisitorId: expected.returningByVisitorId,
      returningByFingerprint: 0,
    });
    expect(stats.entries).toEqual(rankedList(expected.entries));
    expect(stats.days.reduce((sum, day) => sum + day.pageviews, 0)).toBe(expected.pageviews);
    const pages = [...expected.pages].map(([path, page]) => ({ path, pageviews: page.pageviews, sessions: page.sessions.size }));
    expect([...stats.pages].sort((a, b) => a.path.localeCompare(b.path))).toEqual(pages.sort((a, b) => a.path.localeCompare(b.path)));
    expect(stats.referrers).toEqual(rankedList(expected.referrers));
    expect(stats.campaigns).toEqual(rankedList(expected.campaigns));
    expect(stats.sources).toEqual(rankedList(expected.sources));
    expect(stats.browsers).toEqual(rankedList(expected.browsers));
    expect(stats.os).toEqual(rankedList(expected.os));
    expect(stats.devices).toEqual(rankedList(expected.devices));
    expect(stats.countries).toEqual(rankedList(expected.countries));
    expect(stats.events).toEqual(rankedList(expected.customEvents));
    expect(stats.drops).toEqual({ bot: expected.bots, gpc: 0 });
  }

  let day: PlannedDay;
  let expected: Map<string, ExpectedSite>;
  /** Every queued message of the day, read before the queue was drained. */
  let bodies: string[];
  /** What the webhook received while the day was drained (the stub is reset before each test). */
  let forwarded: { gpc: boolean }[];

  beforeAll(async () => {
    day = planDay(20261122, SITES, stack().url);
    expected = expectedDay(day);
    await sendDay(stack(), day);
    bodies = (await stack().queue.messages('main')).map((message) => message.body);
    await stack().queue.drain(60_000);
    forwarded = stub.acceptedRequests('webhook').flatMap((request) => (JSON.parse(request.body) as { events: { gpc: boolean }[] }).events);
  });

  it('counts the visitors of the last 5 minutes of every site on /v1/stats/realtime', async () => {
    for (const [site, numbers] of expected) {
      const response = await call(stack(), `/v1/stats/realtime?site=${encodeURIComponent(site)}`, { headers: apiKey() });
      expect(response.status).toBe(200);
      const body = (await response.json()) as { site: string; visitors: number; since: string };
      // One per browser session: the day's sessions were all sent a moment ago.
      expect(body).toEqual({ site, visitors: numbers.sessions, since: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:00\.000Z$/) });
      expect(Date.now() - Date.parse(body.since)).toBeLessThanOrEqual(5 * 60_000);
    }
  });

  it('queued every recorded event once, and no bot', () => {
    const steps = day.sessions.reduce((sum, session) => sum + session.steps.length, 0);
    expect(bodies).toHaveLength(steps);
    expect(bodies.some((body) => body.includes('botVisitor'))).toBe(false);
  });

  it('answers the exact numbers of every site', async () => {
    expect(expected.size).toBe(SITES.length + 1);
    for (const [site, numbers] of expected) expectStats(await statsOf(site), numbers);
  });

  it('agrees with /v1/hits on every page viewed through one URL', async () => {
    let compared = 0;
    for (const [site, numbers] of expected) {
      const stats = await statsOf(site, '&dimension=pages');
      const urls = [...numbers.urls.keys()];
      const hits = await hitsFor(stack(), urls);
      for (const page of stats.pages) {
        const variants = urls.filter((url) => new URL(url).pathname === page.path);
        // A page seen only through the redirect page (no pageview url of its own in the plan) has nothing to compare.
        if (variants.length === 0) continue;
        const sum = variants.reduce((total, url) => total + hits[url]!, 0);
        if (variants.length === 1) {
          expect({ site, path: page.path, sessions: page.sessions }).toEqual({ site, path: page.path, sessions: sum });
          compared += 1;
        }
        // Several URLs of one path (?utm_… variants): a session that saw two of them is one session of the page.
        else expect(page.sessions).toBeLessThanOrEqual(sum);
      }
    }
    expect(compared).toBeGreaterThan(5);
  });

  it('counts GPC visitors first-party while no GPC event reaches a third party', async () => {
    const gpcSites = [...expected].filter(([, numbers]) => numbers.gpc > 0);
    expect(gpcSites.length).toBeGreaterThan(0);
    for (const [site, numbers] of gpcSites) expect((await statsOf(site)).totals.gpc).toBe(numbers.gpc);
    const gpcEvents = [...expected.values()].reduce((sum, numbers) => sum + numbers.gpc, 0);
    expect(forwarded).toHaveLength(bodies.length - gpcEvents);
    expect(forwarded.filter((event) => event.gpc)).toEqual([]);
  });

  it('counts nothing twice when batches are redelivered through the SQS API', async () => {
    const before = new Map(await Promise.all([...expected.keys()].map(async (site) => [site, await statsOf(site)] as const)));
    const sqs = new SQSClient({ region: 'us-east-1', endpoint: stack().queue.endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    for (let start = 0; start < bodies.length; start += 10) {
      const entries = bodies.slice(start, start + 10).map((body, index) => ({ Id: String(index), MessageBody: body }));
      await sqs.send(new SendMessageBatchCommand({ QueueUrl: stack().queue.queueUrl, Entries: entries }));
    }
    sqs.destroy();
    expect(await stack().queue.messages('main')).toHaveLength(bodies.length);
    await stack().queue.drain(60_000);
    for (const [site, numbers] of expected) {
      const after = await statsOf(site);
      expect(after).toEqual(before.get(site));
      expectStats(after, numbers);
    }
  });

  it('counts nothing twice when the forwarder handler gets the same SQS event twice', async () => {
    const { handler } = require('../../functions/forwarder/handler') as typeof import('../../functions/forwarder/handler');
    const site = SITES[0]!;
    const before = await statsOf(site);
    const records = bodies.slice(0, 10).map((body, index) => ({
      messageId: `replay-${index}`,
      receiptHandle: `replay-${index}`,
      body,
      attributes: { ApproximateReceiveCount: '2', SentTimestamp: String(Date.now()), SenderId: 'local', ApproximateFirstReceiveTimestamp: String(Date.now()) },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:local:000000000000:edgeprint-events',
      awsRegion: 'local',
    }));
    const context = { getRemainingTimeInMillis: () => 30_000 } as unknown as import('aws-lambda').Context;
    for (let attempt = 0; attempt < 2; attempt += 1) {
      expect(await handler({ Records: records } as SQSEvent, context)).toEqual({ batchItemFailures: [] });
    }
    expect(await statsOf(site)).toEqual(before);
  });

  it('refuses /v1/stats without the API key, with a wrong one, and with a bad query, and says no more than that', async () => {
    const noKey = await call(stack(), `/v1/stats?site=${SITES[0]}`);
    const wrongKey = await call(stack(), `/v1/stats?site=${SITES[0]}`, { headers: { 'x-api-key': 'not-the-key-0123456789' } });
    const badBearer = await call(stack(), `/v1/stats?site=${SITES[0]}`, { headers: { authorization: 'Bearer' } });
    for (const response of [noKey, wrongKey, badBearer]) {
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({ error: { code: 'unauthorized', message: 'Authentication failed' } });
    }
    const bad = await call(stack(), '/v1/stats?site=a.example&from=2026-02-30&dimension=nope', { headers: apiKey() });
    expect(bad.status).toBe(400);
    expect(Object.keys(((await bad.json()) as { error: { fields: Record<string, string[]> } }).error.fields).sort()).toEqual(['dimension', 'from']);
    const badCompare = await call(stack(), '/v1/stats?site=a.example&compare=last-year', { headers: apiKey() });
    expect(badCompare.status).toBe(400);
    expect(((await badCompare.json()) as { error: { fields: Record<string, string[]> } }).error.fields).toEqual({ compare: ['Must be previous'] });
    expect((await call(stack(), `/v1/stats/realtime?site=${SITES[0]}`)).status).toBe(401);
    for (const query of ['', '?site=', '?site=not%20a%20host', `?site=${'a'.repeat(300)}`]) {
      const response = await call(stack(), `/v1/stats/realtime${query}`, { headers: apiKey() });
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({ error: expect.objectContaining({ fields: { site: [expect.stringContaining('Required')] } }) });
    }
  });

  it('lists the sites and, without a site, answers for the most recent one', async () => {
    const response = await call(stack(), '/v1/stats?dimension=days', { headers: apiKey() });
    const body = (await response.json()) as Stats & { sites: { site: string; lastDay: string }[] };
    expect(body.sites.map((entry) => entry.site).sort()).toEqual([...expected.keys()].sort());
    expect(expected.has(body.site)).toBe(true);
    expect(Object.keys(body)).not.toContain('pages');
  });
});
