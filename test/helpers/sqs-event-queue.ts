import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { ForwardEvent } from '../../layers/core/src/forwarding/event';

/** SQS takes at most 10 entries per SendMessageBatch. */
const SQS_BATCH = 10;

/**
 * Puts ForwardEvents straight on a queue through the real SQS client (tests and benchmarks that
 * drive the forwarder without the table's change feed). Resolves with the events SQS refused.
 * @example await sqsEventQueue(client, stack.queue.queueUrl).send(events)
 */
export function sqsEventQueue(client: SQSClient, queueUrl: string): { send(events: readonly ForwardEvent[]): Promise<ForwardEvent[]> } {
  return {
    async send(events) {
      const failed: ForwardEvent[] = [];
      for (let start = 0; start < events.length; start += SQS_BATCH) {
        const chunk = events.slice(start, start + SQS_BATCH);
        const byId = new Map(chunk.map((event, index) => [`e${index}`, event]));
        try {
          const result = await client.send(
            new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: [...byId].map(([id, event]) => ({ Id: id, MessageBody: JSON.stringify(event) })) }),
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
