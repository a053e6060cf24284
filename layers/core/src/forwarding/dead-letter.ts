import type { ForwardEvent } from './event';

/**
 * A message the forwarder gave up on, as it is put on the dead-letter queue: the event (or the raw
 * body when it could not be parsed) with its last error, so the DLQ can be read and re-driven.
 * The forwarder accepts this envelope as input too, so a native SQS re-drive works unchanged.
 */
export interface DeadLetter {
  readonly deadLetter: 1;
  readonly event?: ForwardEvent;
  readonly rawBody?: string;
  readonly lastError: string;
  readonly provider?: string;
  readonly attempts: number;
  readonly failedAt: string;
}

export type DeadLetterSink = (letter: DeadLetter) => Promise<void>;
