import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { TableContext } from '../client';
import { sessionPartition } from '../keys';

/**
 * Every item of one session's collection (`pk = S#<sessionId>`): the session item, its records,
 * hit markers and activity rows. One paginated Query; nothing else is read.
 * @example const items = await listSessionItems(table, sessionId)
 */
export async function listSessionItems(table: TableContext, sessionId: string): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await table.client.send(
      new QueryCommand({
        TableName: table.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': sessionPartition(sessionId) },
        ExclusiveStartKey: start,
        ConsistentRead: true,
      }),
    );
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start !== undefined);
  return items;
}
