import type { ForwardEvent } from './event';
import type { EventQueue, Outbox } from './event-queue';
import { operatorMetrics } from '../observability/metrics';

export interface PublishDependencies {
  readonly queue: EventQueue;
  readonly outbox: Outbox;
  readonly log: (level: 'warn' | 'error', message: string, details: Record<string, unknown>) => void;
  readonly sleep?: (ms: number) => Promise<void>;
  /** Delays between attempts; the default keeps a visitor's worst case near half a second. */
  readonly backoffMs?: readonly number[];
}

export type PublishOutcome = { readonly queued: number; readonly outboxed: number; readonly lost: number };

const DEFAULT_BACKOFF_MS = [25, 100, 300];

/**
 * Enqueues accepted events for forwarding. Never throws: the visitor's request must not fail
 * because the queue did. Retries only the events that failed, with backoff; what still fails goes
 * to the outbox (a sweep re-sends it) and is counted; if even the outbox write fails, each event
 * is logged whole at error level so it can be replayed from the logs.
 * @example await publishEvents(deps, [event]) // { queued: 1, outboxed: 0, lost: 0 }
 */
export async function publishEvents(deps: PublishDependencies, events: readonly ForwardEvent[]): Promise<PublishOutcome> {
  if (events.length === 0) return { queued: 0, outboxed: 0, lost: 0 };
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const backoff = deps.backoffMs ?? DEFAULT_BACKOFF_MS;
  let pending: readonly ForwardEvent[] = events;
  let lastError: unknown;
  for (let attempt = 0; attempt <= backoff.length && pending.length > 0; attempt += 1) {
    if (attempt > 0) await sleep(backoff[attempt - 1] ?? 0);
    try {
      pending = await deps.queue.send(pending);
    } catch (error) {
      lastError = error;
    }
  }
  if (pending.length === 0) return { queued: events.length, outboxed: 0, lost: 0 };
  operatorMetrics().enqueueFallbacks(pending.length);
  deps.log('warn', 'enqueue failed after retries; events go to the outbox', {
    metric: 'EnqueueFallbackToOutbox',
    count: pending.length,
    error: String(lastError ?? 'entries failed'),
  });
  try {
    await deps.outbox.put(pending);
    return { queued: events.length - pending.length, outboxed: pending.length, lost: 0 };
  } catch (error) {
    for (const event of pending) {
      deps.log('error', 'event could not be queued nor stored in the outbox', { metric: 'EnqueueLost', event, error: String(error) });
    }
    return { queued: events.length - pending.length, outboxed: 0, lost: pending.length };
  }
}
