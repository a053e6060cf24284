import type { TableContext } from '../client';
import { OUTBOX_SHARDS, outboxPartition, type TableKey } from '../keys';
import { queryAll } from '../query-all';

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
    const items = await queryAll(table, {
      KeyConditionExpression: 'pk = :pk',
      FilterExpression: needles.map((_, index) => `contains(#event, :n${index})`).join(' OR '),
      ExpressionAttributeNames: { '#event': 'event' },
      ExpressionAttributeValues: { ':pk': outboxPartition(shard), ...Object.fromEntries(needles.map((needle, index) => [`:n${index}`, needle])) },
      ProjectionExpression: 'pk, sk',
      ConsistentRead: true,
    });
    for (const item of items) found.push({ pk: String(item.pk), sk: String(item.sk) });
  }
  return found;
}
