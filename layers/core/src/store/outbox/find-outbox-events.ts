import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { TableContext } from '../client';
import { OUTBOX_SHARDS, outboxPartition, type TableKey } from '../keys';

/**
 * Outbox entries (events the queue refused, waiting for the sweep) whose event names this session
 * or user: one paginated Query per outbox shard with a filter on the stored JSON. The outbox is
 * empty unless the queue had an outage, so this reads little.
 * @example await findOutboxEvents(table, { sessionId })
 */
export async function findOutboxEvents(table: TableContext, subject: { sessionId?: string; userId?: string }): Promise<TableKey[]> {
  const needles = [
    ...(subject.sessionId === undefined ? [] : [`"sessionId":${JSON.stringify(subject.sessionId)}`]),
    ...(subject.userId === undefined ? [] : [`"userId":${JSON.stringify(subject.userId)}`]),
  ];
  if (needles.length === 0) return [];
  const found: TableKey[] = [];
  for (let shard = 0; shard < OUTBOX_SHARDS; shard += 1) {
    let start: Record<string, unknown> | undefined;
    do {
      const page = await table.client.send(
        new QueryCommand({
          TableName: table.tableName,
          KeyConditionExpression: 'pk = :pk',
          FilterExpression: needles.map((_, index) => `contains(#event, :n${index})`).join(' OR '),
          ExpressionAttributeNames: { '#event': 'event' },
          ExpressionAttributeValues: { ':pk': outboxPartition(shard), ...Object.fromEntries(needles.map((needle, index) => [`:n${index}`, needle])) },
          ProjectionExpression: 'pk, sk',
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      for (const item of page.Items ?? []) found.push({ pk: String(item.pk), sk: String(item.sk) });
      start = page.LastEvaluatedKey;
    } while (start !== undefined);
  }
  return found;
}
