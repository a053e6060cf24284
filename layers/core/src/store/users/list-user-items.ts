import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { TableContext } from '../client';
import { userPartition } from '../keys';

/**
 * Every item of a user's own partition (`pk = USER#<userId>`: the device items). One paginated,
 * strongly consistent Query, keys and type only.
 * @example const items = await listUserItems(table, 'user-42')
 */
export async function listUserItems(table: TableContext, userId: string): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await table.client.send(
      new QueryCommand({
        TableName: table.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': userPartition(userId) },
        ProjectionExpression: 'pk, sk, #type',
        ExpressionAttributeNames: { '#type': 'type' },
        ConsistentRead: true,
        ExclusiveStartKey: start,
      }),
    );
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start !== undefined);
  return items;
}
