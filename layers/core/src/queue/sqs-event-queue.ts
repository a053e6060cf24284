import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { ForwardEvent } from '../forwarding/event';
import type { EventQueue } from '../forwarding/event-queue';

/** SQS takes at most 10 entries per SendMessageBatch. */
const SQS_BATCH = 10;

/**
 * The SQS adapter: one SendMessageBatch per 10 events, the event id as the entry id, and the
 * failed entries handed back so only they are retried.
 */
export function sqsEventQueue(client: SQSClient, queueUrl: string): EventQueue {
  return {
    async send(events) {
      const failed: ForwardEvent[] = [];
      for (let start = 0; start < events.length; start += SQS_BATCH) {
        const chunk = events.slice(start, start + SQS_BATCH);
        const byId = new Map(chunk.map((event, index) => [`e${index}`, event]));
        try {
          const result = await client.send(
            new SendMessageBatchCommand({
              QueueUrl: queueUrl,
              Entries: [...byId].map(([id, event]) => ({ Id: id, MessageBody: JSON.stringify(event) })),
            }),
          );
          for (const entry of result.Failed ?? []) {
            const event = entry.Id === undefined ? undefined : byId.get(entry.Id);
            if (event !== undefined) failed.push(event);
          }
        } catch {
          failed.push(...chunk);
        }
      }
      return failed;
    },
  };
}
