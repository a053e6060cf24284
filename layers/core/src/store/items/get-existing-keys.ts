import { BatchGetCommand } from '@aws-sdk/lib-dynamodb';
import type { TableContext } from '../client';
import type { TableKey } from '../keys';

const BATCH = 100;
const MAX_RETRIES = 8;

/**
 * Which of these keys exist now, with their `type`: strongly consistent BatchGetItem (100 per
 * call, unprocessed keys retried). Used to confirm what a GSI read (eventually consistent) found.
 * @example const existing = await getExistingKeys(table, keys) // [{ pk, sk, type }]
 */
export async function getExistingKeys(table: TableContext, keys: readonly TableKey[]): Promise<Array<TableKey & { type?: string }>> {
  const unique = [...new Map(keys.map((key) => [`${key.pk}\u0000${key.sk}`, key])).values()];
  const found: Array<TableKey & { type?: string }> = [];
  for (let start = 0; start < unique.length; start += BATCH) {
    let pending: TableKey[] = unique.slice(start, start + BATCH).map((key) => ({ pk: key.pk, sk: key.sk }));
    for (let attempt = 0; pending.length > 0; attempt += 1) {
      if (attempt > MAX_RETRIES) throw new Error('BatchGetItem left keys unprocessed after retries');
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(25 * 2 ** attempt, 2000)));
      const result = await table.client.send(
        new BatchGetCommand({
          RequestItems: {
            [table.tableName]: { Keys: pending, ConsistentRead: true, ProjectionExpression: 'pk, sk, #type', ExpressionAttributeNames: { '#type': 'type' } },
          },
        }),
      );
      for (const item of result.Responses?.[table.tableName] ?? []) {
        found.push({ pk: String(item.pk), sk: String(item.sk), type: typeof item.type === 'string' ? item.type : undefined });
      }
      pending = (result.UnprocessedKeys?.[table.tableName]?.Keys ?? []) as TableKey[];
    }
  }
  return found;
}
