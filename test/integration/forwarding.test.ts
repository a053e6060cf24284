import { SQSClient, StartMessageMoveTaskCommand } from '@aws-sdk/client-sqs';
import { call, collectJson, useLocalStack } from '../helpers/local-stack';
import { useProviderStub } from '../helpers/provider-stub';

const WEBHOOK_SECRET = 'webhook-secret-for-tests-0123456789';

/**
 * End to end on one machine: collect → table → local SQS → forwarder handler → the four
 * provider protocols on a loopback stub that validates each of them.
 */
describe('forwarding through the local stack', () => {
  const stub = useProviderStub({ webhookSecret: WEBHOOK_SECRET });
  const stack = useLocalStack(() => ({
    // The visibility timeout must outlast one delivery attempt even on a loaded machine: shorter, and
    // the third attempt's message reappears (and is moved to the DLQ by the redrive policy) while
    // that attempt is still writing its own dead letter, as SQS would do too. 100 ms did under CI load.
    queue: { visibilityTimeoutMs: 1000, pollIntervalMs: 20, maxReceiveCount: 3 },
    env: {
      EDGEPRINT_PROVIDERS: JSON.stringify({
        ga4: { measurementId: 'G-TEST12345', apiSecret: 'ga4-secret-123', endpoint: stub.baseUrl },
        matomo: { url: stub.baseUrl, siteId: 7 },
        plausible: { url: stub.baseUrl, domain: 'shop.example' },
        webhook: { url: `${stub.baseUrl}/webhook`, secret: WEBHOOK_SECRET },
      }),
    },
  }));

  const page = 'https://shop.example/products/42?utm_source=news&token=abc';
  const headers = { 'accept-language': 'de-DE,de;q=0.9' };

  it('relays a recorded pageview to GA4, Matomo, Plausible and the webhook with correct fields', async () => {
    const response = await collectJson(stack(), { id: 'visitorAbc123', url: page, title: 'Product 42', ref: 'https://news.example/' }, { headers });
    expect(response.status).toBe(204);
    await stack().queue.drain(20_000);

    expect(stub.violations).toEqual([]);
    expect(stub.acceptedIds('ga4')).toHaveLength(1);
    expect(stub.acceptedIds('matomo')).toHaveLength(1);
    expect(stub.acceptedIds('plausible')).toHaveLength(1);
    expect(stub.acceptedIds('webhook')).toHaveLength(1);
    const eventId = stub.acceptedIds('webhook')[0];
    expect(stub.acceptedIds('ga4')).toEqual([eventId]);

    const ga4 = JSON.parse(stub.acceptedRequests('ga4')[0]!.body) as { client_id: string; events: { name: string; params: Record<string, unknown> }[] };
    expect(ga4.client_id).toEqual(expect.any(String));
    expect(ga4.client_id).not.toContain('visitorAbc123');
    expect(ga4.events[0]!.name).toBe('page_view');
    // The deny-listed `token` parameter never leaves; the campaign parameter does.
    expect(ga4.events[0]!.params.page_location).toBe('https://shop.example/products/42?utm_source=news');
    expect(ga4.events[0]!.params.page_title).toBe('Product 42');
    expect(ga4.events[0]!.params.page_referrer).toBe('https://news.example/');
    expect(ga4.events[0]!.params).toHaveProperty('session_id');
    expect(ga4.events[0]!.params).toHaveProperty('engagement_time_msec');

    const matomo = stub.acceptedRequests('matomo')[0]!;
    const bulk = JSON.parse(matomo.body) as { requests: string[] };
    const params = new URLSearchParams(bulk.requests[0]!.replace(/^\?/, ''));
    expect(params.get('idsite')).toBe('7');
    expect(params.get('rec')).toBe('1');
    expect(params.get('url')).toBe('https://shop.example/products/42?utm_source=news');
    expect(params.get('action_name')).toBe('Product 42');
    expect(params.get('lang')).toBe('de-DE');
    expect(params.get('_id')).toMatch(/^[0-9a-f]{16}$/);
    expect(params.has('cip')).toBe(false);

    const plausible = stub.acceptedRequests('plausible')[0]!;
    expect(plausible.headers['user-agent']).toContain('Chrome');
    expect(plausible.headers['x-forwarded-for']).toBe('127.0.0.0');
    expect(JSON.parse(plausible.body)).toMatchObject({ name: 'pageview', domain: 'shop.example', url: 'https://shop.example/products/42?utm_source=news' });

    const webhook = JSON.parse(stub.acceptedRequests('webhook')[0]!.body) as { events: Record<string, unknown>[] };
    expect(webhook.events[0]).toMatchObject({ eventId, kind: 'pageview', name: 'pageview', visitorId: 'visitorAbc123', language: 'de-DE', gpc: false });
  });

  it('relays activity-log rows and custom events, and keeps GPC visitors from third parties', async () => {
    expect(
      (await call(stack(), '/v1/activity', { method: 'POST', body: JSON.stringify({ date: '2026-11-22T10:00:00Z', path: '/account' }), headers: { 'content-type': 'application/json' } })).status,
    ).toBe(204);
    expect((await collectJson(stack(), { url: 'https://shop.example/cart', event: 'add_to_cart', props: { sku: 'A1', qty: 2 } })).status).toBe(204);
    expect((await collectJson(stack(), { id: 'gpcVisitor', url: 'https://shop.example/private' }, { headers: { 'sec-gpc': '1' } })).status).toBe(204);
    await stack().queue.drain(20_000);

    expect(stub.violations).toEqual([]);
    const kinds = stub
      .acceptedRequests('webhook')
      .flatMap((request) => (JSON.parse(request.body) as { events: { kind: string; name: string; url?: string }[] }).events);
    expect(kinds.map((event) => event.name).sort()).toEqual(['activity', 'add_to_cart']);
    expect(kinds.some((event) => event.url === 'https://shop.example/private')).toBe(false);
    const ga4Names = stub.acceptedRequests('ga4').flatMap((request) => (JSON.parse(request.body) as { events: { name: string }[] }).events.map((event) => event.name));
    expect(ga4Names).toContain('add_to_cart');
  });

  it('dead-letters an event with its last error after maxReceiveCount attempts, and re-drives it exactly once', async () => {
    stub.failNext({ kind: 'status', status: 503 }, 'webhook', { times: 3 });
    expect((await collectJson(stack(), { id: 'visitorDead1', url: 'https://shop.example/retry' })).status).toBe(204);
    await stack().queue.drain(20_000);

    const letters = await stack().queue.messages('dlq');
    expect(letters).toHaveLength(1);
    const letter = JSON.parse(letters[0]!.body) as { deadLetter: number; lastError: string; provider: string; attempts: number; event: { eventId: string } };
    expect(letter).toMatchObject({ deadLetter: 1, provider: 'webhook', attempts: 3 });
    expect(letter.lastError).toContain('503');
    expect(stub.acceptedIds('webhook')).toEqual([]);
    // The other providers got it once, on the first attempt, and never again.
    expect(stub.acceptedIds('matomo')).toEqual([letter.event.eventId]);

    // The re-drive goes through the SQS API, as `npm run redrive` and the AWS CLI do.
    const sqs = new SQSClient({ region: 'us-east-1', endpoint: stack().queue.endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    const task = await sqs.send(new StartMessageMoveTaskCommand({ SourceArn: stack().queue.deadLetterQueueArn }));
    expect(task.TaskHandle).toBe('local-1');
    await stack().queue.drain(20_000);
    expect(stub.acceptedIds('webhook')).toEqual([letter.event.eventId]);
    expect(stub.duplicates('matomo')).toEqual([]);
    expect(stub.acceptedIds('matomo')).toEqual([letter.event.eventId]);
    expect(await stack().queue.messages('dlq')).toEqual([]);
  });
});
