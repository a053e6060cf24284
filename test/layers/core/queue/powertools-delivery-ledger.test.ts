import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ensureIdempotencyTable, startEmbeddedDynamo, type EmbeddedDynamo } from '../../../../infra/local/embedded-dynamodb';
import { powertoolsDeliveryLedger } from '../../../../layers/core/src/queue/powertools-delivery-ledger';

/**
 * The delivery ledger on Powertools idempotency's DynamoDB layer, against the embedded DynamoDB. A
 * claim another attempt still holds must answer `in-flight`, not "delivered": the forwarder skips
 * delivered events (their message is deleted), so mistaking a live claim for a delivery would lose
 * the event when that other attempt fails (seen in the 30 %-fault test with overlapping redeliveries).
 */
describe('powertoolsDeliveryLedger()', () => {
  let dynamo: EmbeddedDynamo;
  let client: DynamoDBClient;
  beforeAll(async () => {
    dynamo = await startEmbeddedDynamo();
    await ensureIdempotencyTable(dynamo.endpoint, 'ledger', 'us-east-1');
    client = new DynamoDBClient({ endpoint: dynamo.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  });
  afterAll(async () => {
    client.destroy();
    await dynamo.close();
  });

  it('tells a claim held by another attempt (in-flight) from a finished delivery, and frees a released claim', async () => {
    const ledger = powertoolsDeliveryLedger({ client, tableName: 'ledger', windowSeconds: 3600 });
    expect(await ledger.claim('webhook', 'e1', 30_000)).toBe('claimed');
    // An overlapping redelivery of the same event while the first attempt is still sending.
    expect(await ledger.claim('webhook', 'e1', 30_000)).toBe('in-flight');
    // The first attempt fails and gives the claim back: the retry may send it.
    await ledger.release('webhook', 'e1');
    expect(await ledger.claim('webhook', 'e1', 30_000)).toBe('claimed');
    await ledger.complete('webhook', 'e1');
    expect(await ledger.claim('webhook', 'e1', 30_000)).toBe('delivered');
    // Providers are kept apart.
    expect(await ledger.claim('ga4', 'e1', 30_000)).toBe('claimed');
  });
});
