import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { ForwardEvent } from '../../forwarding/event';
import type { TableContext } from '../client';
import { expiresAt, ItemType, keys } from '../keys';

/**
 * Stores events the queue refused, for the outbox sweep to re-send. BatchWriteItem (25 per call),
 * unprocessed items retried. 1 write unit per event.
 */
export async function putOutboxEvents(table: TableContext, events: readonly ForwardEvent[], retentionDays: number): Promise<void> {
  for (let start = 0; start < events.length; start += 25) {
    let requests = events.slice(start, start + 25).map((event) => ({
      PutRequest: {
        Item: {
          ...keys.outboxEvent(event.eventId, event.at),
          type: ItemType.outboxEvent,
          eventId: event.eventId,
          event: JSON.stringify(event),
          expiresAt: expiresAt(new Date(event.at), retentionDays),
        },
      },
    }));
    for (let attempt = 0; requests.length > 0; attempt += 1) {
      if (attempt > 5) throw new Error('outbox write left items unprocessed');
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 25 * 2 ** attempt));
      const result = await table.client.send(new BatchWriteCommand({ RequestItems: { [table.tableName]: requests } }));
      requests = (result.UnprocessedItems?.[table.tableName] ?? []) as typeof requests;
    }
  }
}
