import { DeleteCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { ForwardEvent } from '../../forwarding/event';
import type { TableContext } from '../client';
import { OUTBOX_SHARDS, outboxPartition } from '../keys';

export interface OutboxEntry {
  readonly key: { pk: string; sk: string };
  readonly event: ForwardEvent;
}

/** Lists up to `limit` outbox entries per shard, oldest first. One Query per shard. */
export async function listOutboxEvents(table: TableContext, limit = 100): Promise<OutboxEntry[]> {
  const entries: OutboxEntry[] = [];
  for (let shard = 0; shard < OUTBOX_SHARDS; shard += 1) {
    const result = await table.client.send(
      new QueryCommand({
        TableName: table.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': outboxPartition(shard) },
        Limit: limit,
      }),
    );
    for (const item of result.Items ?? []) {
      if (typeof item.event !== 'string') continue;
      entries.push({ key: { pk: String(item.pk), sk: String(item.sk) }, event: JSON.parse(item.event) as ForwardEvent });
    }
  }
  return entries;
}

/** Removes an outbox entry once it is on the queue. */
export async function deleteOutboxEvent(table: TableContext, key: { pk: string; sk: string }): Promise<void> {
  await table.client.send(new DeleteCommand({ TableName: table.tableName, Key: key }));
}
