import type { ForwardEvent } from './event';
import type { EventQueue } from './event-queue';

export interface OutboxPort {
  list(): Promise<readonly { key: { pk: string; sk: string }; event: ForwardEvent }[]>;
  remove(key: { pk: string; sk: string }): Promise<void>;
}

/**
 * Re-sends outbox entries (events the queue refused at ingest) and removes each one only after
 * the queue took it. Runs on a schedule in AWS and at start plus periodically locally.
 * A duplicate send is harmless: the forwarder is idempotent on the event id per provider.
 * @example await sweepOutbox(outbox, queue) // { resent: 3, remaining: 0 }
 */
export async function sweepOutbox(outbox: OutboxPort, queue: EventQueue): Promise<{ resent: number; remaining: number }> {
  const entries = await outbox.list();
  if (entries.length === 0) return { resent: 0, remaining: 0 };
  const failed = new Set((await queue.send(entries.map((entry) => entry.event))).map((event) => event.eventId));
  let resent = 0;
  for (const entry of entries) {
    if (failed.has(entry.event.eventId)) continue;
    await outbox.remove(entry.key);
    resent += 1;
  }
  return { resent, remaining: entries.length - resent };
}
