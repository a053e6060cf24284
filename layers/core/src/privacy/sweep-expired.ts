import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { TableContext } from '../store/client';
import { deleteItems } from '../store/items/delete-items';
import type { TableKey } from '../store/keys';
import { TABLE_SCHEMA } from '../store/table';

export interface SweepReport {
  /** Items the scan read (DynamoDB counts filtered-out items too). */
  readonly scanned: number;
  readonly deleted: number;
}

/**
 * Deletes every item whose TTL (`expiresAt`, epoch seconds) is before `now`: what DynamoDB's TTL
 * does in AWS, for the local stack (dynalite has no TTL). A paginated Scan filtered on
 * `expiresAt < now`, keys only, then BatchWriteItem deletes. Items without `expiresAt` (hit
 * counters) are never touched. Not for AWS: a Scan reads the whole table.
 * @example await sweepExpired(table, new Date()) // { scanned: 1200, deleted: 3 }
 */
export async function sweepExpired(table: TableContext, now: Date, options: { pageSize?: number } = {}): Promise<SweepReport> {
  const cutoff = Math.floor(now.getTime() / 1000);
  let scanned = 0;
  let deleted = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const page = await table.client.send(
      new ScanCommand({
        TableName: table.tableName,
        FilterExpression: '#ttl < :now',
        ExpressionAttributeNames: { '#ttl': TABLE_SCHEMA.ttlAttribute },
        ExpressionAttributeValues: { ':now': cutoff },
        ProjectionExpression: 'pk, sk',
        Limit: options.pageSize,
        ExclusiveStartKey: start,
      }),
    );
    scanned += page.ScannedCount ?? 0;
    const expired = (page.Items ?? []).map((item): TableKey => ({ pk: String(item.pk), sk: String(item.sk) }));
    await deleteItems(table, expired);
    deleted += expired.length;
    start = page.LastEvaluatedKey;
  } while (start !== undefined);
  return { scanned, deleted };
}
