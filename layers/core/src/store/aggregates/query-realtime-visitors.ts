import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { TableContext } from '../client';
import { realtimePartition } from '../keys';

/**
 * The distinct visitor hashes of a site between two UTC minutes (inclusive): one Query on the
 * site's realtime partition (at most a handful of small items), never a scan.
 * @example const visitors = await queryRealtimeVisitors(table, 'shop.example', '2026-11-22T10:03', '2026-11-22T10:07') // Set {…}
 */
export async function queryRealtimeVisitors(table: TableContext, site: string, fromMinute: string, toMinute: string): Promise<Set<string>> {
  const visitors = new Set<string>();
  let start: Record<string, unknown> | undefined;
  do {
    const page = await table.client.send(
      new QueryCommand({
        TableName: table.tableName,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        ExpressionAttributeValues: { ':pk': realtimePartition(site), ':from': `M#${fromMinute}`, ':to': `M#${toMinute}` },
        ExclusiveStartKey: start,
      }),
    );
    for (const item of page.Items ?? []) if (item.v instanceof Set) for (const hash of item.v as Set<string>) visitors.add(hash);
    start = page.LastEvaluatedKey;
  } while (start !== undefined);
  return visitors;
}
