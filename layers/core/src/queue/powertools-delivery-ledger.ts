import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { IdempotencyConfig, IdempotencyItemAlreadyExistsError, IdempotencyRecordStatus } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { ClaimResult, DeliveryLedger } from '../forwarding/delivery-ledger';

/**
 * The delivery ledger on Powertools idempotency's persistence layer (its own table, partition key
 * `id`, TTL `expiration`): `saveInProgress` is the claim, `saveSuccess` the completion,
 * `deleteRecord` the release. An in-progress claim expires with the invocation's remaining time,
 * so a crashed forwarder does not block the retry.
 */
export function powertoolsDeliveryLedger(options: { client: DynamoDBClient; tableName: string; windowSeconds: number }): DeliveryLedger {
  const persistence = new DynamoDBPersistenceLayer({ tableName: options.tableName, awsSdkV3Client: options.client });
  persistence.configure({
    config: new IdempotencyConfig({ eventKeyJmesPath: 'key', expiresAfterSeconds: options.windowSeconds }),
    functionName: 'edgeprint-forwarder',
  });
  const data = (provider: string, eventId: string) => ({ key: `${provider}:${eventId}` });
  return {
    async claim(provider, eventId, remainingMs): Promise<ClaimResult> {
      try {
        await persistence.saveInProgress(data(provider, eventId), remainingMs);
        return 'claimed';
      } catch (error) {
        if (!(error instanceof IdempotencyItemAlreadyExistsError)) throw error;
        // DynamoDB returns the record that refused the claim; a store that does not (dynalite) is asked once.
        const existing = error.existingRecord ?? (await persistence.getRecord(data(provider, eventId)).catch(() => undefined));
        return existing?.getStatus() === IdempotencyRecordStatus.COMPLETED ? 'delivered' : 'in-flight';
      }
    },
    complete: (provider, eventId) => persistence.saveSuccess(data(provider, eventId), { delivered: true }),
    release: (provider, eventId) => persistence.deleteRecord(data(provider, eventId)),
  };
}
