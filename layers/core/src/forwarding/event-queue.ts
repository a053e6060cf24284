import type { ForwardEvent } from './event';

/** Where accepted events go to be forwarded: SQS in AWS, the local SQS stand-in on a laptop. */
export interface EventQueue {
  /** Sends events; resolves with the ones that could not be sent (so only those are retried). */
  send(events: readonly ForwardEvent[]): Promise<readonly ForwardEvent[]>;
}

/** The durable fallback when the queue keeps failing: an outbox in the table, re-sent by a sweep. */
export interface Outbox {
  put(events: readonly ForwardEvent[]): Promise<void>;
}
