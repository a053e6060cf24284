import type { Context, SQSEvent } from 'aws-lambda';
import fixture from '../fixtures/sqs/forwarder-batch.json';
import { useLocalStack } from '../helpers/local-stack';
import { useProviderStub } from '../helpers/provider-stub';

const WEBHOOK_SECRET = 'webhook-secret-for-fixture-test-01';

function context(): Context {
  return { getRemainingTimeInMillis: () => 30_000, functionName: 'forwarder', awsRequestId: 'fixture' } as unknown as Context;
}

/**
 * The forwarder handler module on a recorded SQS event (the shape Lambda delivers), with its
 * delivery ledger and dead-letter queue on the local stack and the providers on the loopback stub.
 */
describe('functions/forwarder handler', () => {
  const stub = useProviderStub({ webhookSecret: WEBHOOK_SECRET });
  const stack = useLocalStack(() => ({
    env: {
      EDGEPRINT_PROVIDERS: JSON.stringify({
        matomo: { url: stub.baseUrl, siteId: 5 },
        webhook: { url: `${stub.baseUrl}/webhook`, secret: WEBHOOK_SECRET },
      }),
    },
  }));
  // The recorded batch, moved to today: Matomo refuses events older than 24 h without a token, so a
  // fixture with its recording date would test that rule instead of the relay.
  const recorded = fixture as unknown as SQSEvent;
  const shift = Date.now() - 10 * 60_000 - Date.parse('2026-11-22T09:15:00.000Z');
  const moved = (body: string) => body.replace(/2026-11-22T\d\d:\d\d:\d\d\.\d{3}Z/g, (at) => new Date(Date.parse(at) + shift).toISOString());
  const event: SQSEvent = { Records: recorded.Records.map((record) => ({ ...record, body: moved(record.body) })) };

  it('relays the valid records in one call per provider, dead-letters the malformed one, and reports no failures', async () => {
    stack(); // the stack set the environment the handler reads
    const { handler } = require('../../functions/forwarder/handler') as { handler: (e: SQSEvent, c: Context) => Promise<{ batchItemFailures: unknown[] }> };
    const result = await handler(event, context());
    expect(result).toEqual({ batchItemFailures: [] });
    expect(stub.requestCounts.matomo).toBe(1);
    expect(stub.requestCounts.webhook).toBe(1);
    expect(stub.acceptedIds('webhook').sort()).toEqual(['5f0c6a51-3d41-4a7e-9a51-1f1e2d3c4b01', '5f0c6a51-3d41-4a7e-9a51-1f1e2d3c4b02']);
    expect(stub.violations).toEqual([]);
    const letters = (await stack().queue.messages('dlq')).map((message) => JSON.parse(message.body) as { lastError: string; rawBody?: string });
    expect(letters).toEqual([expect.objectContaining({ lastError: 'malformed message', rawBody: '{"this is": "not an edgeprint event"' })]);
  });

  it('is idempotent per provider: the same batch delivered again reaches no provider twice', async () => {
    const { handler } = require('../../functions/forwarder/handler') as { handler: (e: SQSEvent, c: Context) => Promise<{ batchItemFailures: unknown[] }> };
    await handler(event, context());
    expect(stub.requestCounts.webhook).toBe(0);
    expect(stub.requestCounts.matomo).toBe(0);
  });

  it('reports the records a provider failed on, and their retry reaches only that provider', async () => {
    const { handler } = require('../../functions/forwarder/handler') as { handler: (e: SQSEvent, c: Context) => Promise<{ batchItemFailures: { itemIdentifier: string }[] }> };
    stub.failNext({ kind: 'status', status: 503 }, 'webhook');
    const fresh: SQSEvent = {
      Records: event.Records.slice(0, 2).map((record, index) => ({
        ...record,
        messageId: `fresh-${index}`,
        body: record.body.replace('5f0c6a51-3d41-4a7e-9a51-1f1e2d3c4b0', 'aaaaaaaa-3d41-4a7e-9a51-1f1e2d3c4b0'),
      })),
    };
    const result = await handler(fresh, context());
    expect(result.batchItemFailures.map((failure) => failure.itemIdentifier).sort()).toEqual(['fresh-0', 'fresh-1']);
    // Matomo took both on the first try and will not get them again on the retry.
    expect(stub.acceptedIds('matomo')).toHaveLength(2);
    const retry = await handler(fresh, context());
    expect(retry.batchItemFailures).toEqual([]);
    expect(stub.acceptedIds('matomo')).toHaveLength(2);
    expect(stub.duplicates('matomo')).toEqual([]);
    expect(stub.acceptedIds('webhook')).toHaveLength(2);
  });
});
