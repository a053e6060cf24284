import { BatchGetCommand } from '@aws-sdk/lib-dynamodb';
import type { TableContext } from '../client';
import { keys, type TableKey } from '../keys';

export const MAX_URLS_PER_READ = 100;
const MAX_RETRIES = 5;

/**
 * Reads the counters of up to 100 urls in one BatchGetItem (retrying only unprocessed keys).
 * Unknown urls count 0; nothing is ever created by a read.
 */
export async function getHitCounts(table: TableContext, urls: readonly string[]): Promise<Map<string, number>> {
  const unique = [...new Set(urls)];
  if (unique.length > MAX_URLS_PER_READ) throw new RangeError(`At most ${MAX_URLS_PER_READ} urls per read`);
  const counts = new Map<string, number>(unique.map((url) => [url, 0]));
  if (unique.length === 0) return counts;
  let pending: TableKey[] = unique.map((url) => keys.hitCounter(url));
  for (let attempt = 0; pending.length > 0; attempt += 1) {
    if (attempt > MAX_RETRIES) throw new Error('BatchGetItem left keys unprocessed after retries');
    if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 25 * 2 ** attempt));
    const result = await table.client.send(
      new BatchGetCommand({
        RequestItems: {
          [table.tableName]: { Keys: pending, ProjectionExpression: '#url, hits', ExpressionAttributeNames: { '#url': 'url' } },
        },
      }),
    );
    for (const item of result.Responses?.[table.tableName] ?? []) {
      if (typeof item.url === 'string' && typeof item.hits === 'number') counts.set(item.url, item.hits);
    }
    pending = (result.UnprocessedKeys?.[table.tableName]?.Keys ?? []) as TableKey[];
  }
  return counts;
}
