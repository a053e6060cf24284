import type { TableContext } from '../client';
import { userPartition } from '../keys';
import { queryAll } from '../query-all';

/**
 * Every item of a user's own partition (`pk = USER#<userId>`: the device items). One paginated,
 * strongly consistent Query, keys and type only.
 * @example const items = await listUserItems(table, 'user-42')
 */
export function listUserItems(table: TableContext, userId: string): Promise<Record<string, unknown>[]> {
  return queryAll(table, {
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': userPartition(userId) },
    ProjectionExpression: 'pk, sk, #type',
    ExpressionAttributeNames: { '#type': 'type' },
    ConsistentRead: true,
  });
}
