import { randomUUID } from 'node:crypto';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { ForwardEvent } from '../../layers/core/src/forwarding/event';
import { sqsEventQueue } from '../helpers/sqs-event-queue';
import { useLocalStack } from '../helpers/local-stack';
import { useProviderStub } from '../helpers/provider-stub';

const WEBHOOK_SECRET = 'webhook-secret-for-fault-test-0123';
const EVENTS = Number(process.env.FAULT_EVENTS ?? 10_000);
// FAULT_EVENTS only shortens a local run; CI runs the full 10,000.
const MAX_RECEIVES = 5;

/**
 * The fault test with an honest count: 10,000 events through the real SQS adapter, the local SQS
 * stand-in and the forwarder, while the stub fails 30% of calls at random (503, 429, resets).
 * At the end every event is either delivered exactly once or dead-lettered. One provider (the
 * webhook) keeps the run short on dynalite; the multi-provider cases are in forwarding.test.ts.
 */
describe('forwarding under a 30% provider failure rate', () => {
  const stub = useProviderStub({ webhookSecret: WEBHOOK_SECRET });
  const stack = useLocalStack(() => ({
    queue: { visibilityTimeoutMs: 30, pollIntervalMs: 5, maxReceiveCount: MAX_RECEIVES, batchSize: 10, concurrency: 6 },
    env: {
      POWERTOOLS_LOG_LEVEL: 'CRITICAL',
      // This test is about delivery under faults; the dashboard's aggregates (their own tests in
      // test/integration/aggregates.test.ts) would only add dynalite writes to every batch.
      EDGEPRINT_AGGREGATES: 'false',
      EDGEPRINT_PROVIDERS: JSON.stringify({
        webhook: { url: `${stub.baseUrl}/webhook`, secret: WEBHOOK_SECRET },
      }),
    },
  }));

  it('delivered + dead-lettered = sent, with no duplicate deliveries', async () => {
    stub.failRandomly({ rate: 0.3, seed: 20261122 });
    const queue = sqsEventQueue(
      new SQSClient({ region: 'us-east-1', endpoint: stack().queue.endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }),
      stack().queue.queueUrl,
    );
    const sent: ForwardEvent[] = Array.from({ length: EVENTS }, (_, index) => ({
      v: 1,
      eventId: randomUUID(),
      kind: 'pageview',
      name: 'pageview',
      at: new Date().toISOString(),
      url: `https://shop.example/p/${index % 250}`,
      sessionId: `session${index % 900}`,
      visitorId: `visitor${index % 700}`,
      userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0',
      ip: '203.0.113.0',
      gpc: false,
      dnt: false,
    }));
    for (let start = 0; start < sent.length; start += 500) {
      expect(await queue.send(sent.slice(start, start + 500))).toEqual([]);
    }
    await stack().queue.drain(540_000);

    const deadLetters = (await stack().queue.messages('dlq')).map((message) => (JSON.parse(message.body) as { event: ForwardEvent }).event.eventId);
    const dead = new Set(deadLetters);
    const webhook = new Set(stub.acceptedIds('webhook'));
    const fullyDelivered = sent.filter((event) => webhook.has(event.eventId)).length;
    const duplicates = stub.duplicates('webhook').length;
    const injected = stub.faultCounts.webhook;
    console.log(
      `fault test: sent ${EVENTS}, fully delivered ${fullyDelivered}, dead-lettered ${dead.size}, ` +
        `duplicates ${duplicates}, provider calls ${stub.requestCounts.webhook}, injected faults ${injected}`,
    );
    expect(injected).toBeGreaterThan(0);
    expect(stub.violations).toEqual([]);
    expect(deadLetters.length).toBe(dead.size);
    expect(fullyDelivered + dead.size).toBe(EVENTS);
    expect(sent.every((event) => dead.has(event.eventId) !== webhook.has(event.eventId))).toBe(true);
    expect(duplicates).toBe(0);
    expect(await stack().queue.messages('main')).toEqual([]);
  }, 600_000);
});
