import type { TableContext } from '../client';
import { sessionPartition } from '../keys';
import { queryAll } from '../query-all';

/**
 * Every item of one session's collection (`pk = S#<sessionId>`): the session item, its records,
 * hit markers and activity rows. One paginated Query; nothing else is read.
 * @example const items = await listSessionItems(table, sessionId)
 */
export function listSessionItems(table: TableContext, sessionId: string): Promise<Record<string, unknown>[]> {
  return queryAll(table, {
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': sessionPartition(sessionId) },
    ConsistentRead: true,
  });
}
