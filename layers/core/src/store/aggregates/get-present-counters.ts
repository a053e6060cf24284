import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { TableContext } from '../client';
import { keys } from '../keys';

/**
 * Which of the given counter attributes a day item already has (a projected GetItem), for a full
 * item: its new values go to `(other)` while existing ones keep counting.
 * @example const present = await getPresentCounters(table, 'shop.example', '2026-11-22', ['p:/a', 'p:/b'])
 */
export async function getPresentCounters(table: TableContext, site: string, day: string, names: readonly string[]): Promise<Set<string>> {
  if (names.length === 0) return new Set();
  const placeholders = Object.fromEntries(names.map((name, index) => [`#n${index}`, name]));
  const result = await table.client.send(
    new GetCommand({
      TableName: table.tableName,
      Key: keys.dayCounters(site, day),
      ProjectionExpression: Object.keys(placeholders).join(', '),
      ExpressionAttributeNames: placeholders,
      ConsistentRead: true,
    }),
  );
  return new Set(Object.keys(result.Item ?? {}));
}
