import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { TableContext } from '../client';
import type { TableKey } from '../keys';

const BATCH = 25;
const MAX_RETRIES = 8;

/**
 * Deletes items by key with BatchWriteItem (25 per call), retrying only the unprocessed ones with
 * backoff. Deleting a missing item succeeds, so a repeated call is harmless. 1 write unit per item.
 * @example await deleteItems(table, [{ pk: 'S#…', sk: 'SESSION' }])
 */
export async function deleteItems(table: TableContext, keys: readonly TableKey[]): Promise<void> {
  // One batch may not name a key twice.
  const unique = [...new Map(keys.map((key) => [`${key.pk}\u0000${key.sk}`, key])).values()];
  for (let start = 0; start < unique.length; start += BATCH) {
    let requests = unique.slice(start, start + BATCH).map((key) => ({ DeleteRequest: { Key: { pk: key.pk, sk: key.sk } } }));
    for (let attempt = 0; requests.length > 0; attempt += 1) {
      if (attempt > MAX_RETRIES) throw new Error('BatchWriteItem left deletes unprocessed after retries');
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(25 * 2 ** attempt, 2000)));
      const result = await table.client.send(new BatchWriteCommand({ RequestItems: { [table.tableName]: requests } }));
      requests = (result.UnprocessedItems?.[table.tableName] ?? []) as typeof requests;
    }
  }
}
