import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { DeadLetterSink } from './dead-letter';
import type { DeliveryLedger } from './delivery-ledger';
import { ProviderRelayError, type ForwardEvent, type Provider } from './event';
import { parseQueueMessage } from './parse-message';
import { operatorMetrics } from '../observability/metrics';

export interface ForwarderDependencies {
  readonly providers: readonly Provider[];
  readonly ledger: DeliveryLedger;
  /** The privacy rules: which events may leave for third parties at all. */
  readonly filter: (events: readonly ForwardEvent[]) => readonly ForwardEvent[];
  readonly deadLetter: DeadLetterSink;
  /** Deliveries per message before it is dead-lettered with its last error (the queue's maxReceiveCount). */
  readonly maxAttempts: number;
  readonly log: (level: 'info' | 'warn' | 'error', message: string, details: Record<string, unknown>) => void;
  readonly now?: () => Date;
  /**
   * First-party aggregation (the dashboard's day counters, aggregates/aggregate-batch.ts): sees every
   * parsed event of the batch, before the privacy filter, and returns the events it failed on; those
   * records fail like a failed delivery, so the queue redelivers them.
   */
  readonly aggregate?: (events: readonly ForwardEvent[]) => Promise<ReadonlyMap<string, unknown>>;
}

/** Name under which aggregation failures are reported beside the providers'. */
export const AGGREGATES = 'aggregates';

/** Runs the aggregation; an unexpected throw fails every event of the batch. */
async function aggregateAll(deps: ForwarderDependencies, events: readonly ForwardEvent[]): Promise<ReadonlyMap<string, unknown>> {
  if (deps.aggregate === undefined || events.length === 0) return new Map();
  try {
    const oldest = Math.min(...events.map((event) => Date.parse(event.at)).filter(Number.isFinite));
    if (Number.isFinite(oldest)) operatorMetrics().aggregateLag(((deps.now?.() ?? new Date()).getTime() - oldest) / 1000);
    return await deps.aggregate(events);
  } catch (error) {
    return new Map(events.map((event) => [event.eventId, error]));
  }
}

interface Failure {
  readonly provider: string;
  readonly error: unknown;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message.slice(0, 1000) : String(error).slice(0, 1000);
}

/** The event ids a partly failed send left undelivered (adapters throw a PartialRelayError with them). */
function undeliveredIds(error: unknown): readonly string[] | undefined {
  const ids = (error as { undeliveredEventIds?: unknown } | null)?.undeliveredEventIds;
  return Array.isArray(ids) ? (ids as string[]) : undefined;
}

function isPermanent(error: unknown): boolean {
  return error instanceof ProviderRelayError && !error.retryable;
}

/** Sends one provider's share of the batch in a single call, skipping events it already received. */
async function deliverToProvider(
  provider: Provider,
  events: readonly ForwardEvent[],
  deps: ForwarderDependencies,
  remainingMs: number,
  failures: Map<string, Failure[]>,
): Promise<void> {
  const claimed: ForwardEvent[] = [];
  await Promise.all(
    events.map(async (event) => {
      try {
        const claim = await deps.ledger.claim(provider.name, event.eventId, remainingMs);
        if (claim === 'claimed') claimed.push(event);
        // Skipping it would delete the message while that other attempt may still fail: retry it instead.
        else if (claim === 'in-flight') failures.get(event.eventId)?.push({ provider: provider.name, error: new Error(`${provider.name}: delivery in progress in another invocation`) });
      } catch (error) {
        failures.get(event.eventId)?.push({ provider: provider.name, error });
      }
    }),
  );
  if (claimed.length === 0) return;
  let delivered: readonly ForwardEvent[] = claimed;
  try {
    await provider.send(claimed);
  } catch (error) {
    // A multi-request send may fail part-way: only the undelivered events are released and retried.
    const undelivered = new Set(undeliveredIds(error) ?? claimed.map((event) => event.eventId));
    const failed = claimed.filter((event) => undelivered.has(event.eventId));
    delivered = claimed.filter((event) => !undelivered.has(event.eventId));
    await Promise.all(failed.map((event) => deps.ledger.release(provider.name, event.eventId).catch(() => undefined)));
    for (const event of failed) failures.get(event.eventId)?.push({ provider: provider.name, error });
  }
  operatorMetrics().forwarded(provider.name, delivered.length);
  await Promise.all(
    delivered.map((event) =>
      deps.ledger.complete(provider.name, event.eventId).catch((error: unknown) => {
        // Delivered but not remembered: a redelivery could repeat it; say so loudly.
        deps.log('error', 'delivery not recorded in the ledger', { provider: provider.name, eventId: event.eventId, error: describe(error) });
      }),
    ),
  );
}

/**
 * Works out every record's outcome for one SQS batch: provider calls are batched across records
 * (one call per provider per batch), then each record succeeds, fails (to be redelivered) or is
 * dead-lettered with its last error on its final attempt or on a permanent error.
 */
async function forwardBatch(records: readonly SQSRecord[], deps: ForwarderDependencies, remainingMs: number): Promise<Map<string, Error | undefined>> {
  const outcomes = new Map<string, Error | undefined>();
  const now = deps.now ?? (() => new Date());
  const events = new Map<string, { record: SQSRecord; event: ForwardEvent }>();
  for (const record of records) {
    const event = parseQueueMessage(record.body);
    if (event === undefined) {
      outcomes.set(record.messageId, await deadLetterOrError(deps, { rawBody: record.body.slice(0, 200_000), lastError: 'malformed message', attempts: 1, failedAt: now().toISOString() }));
      continue;
    }
    events.set(record.messageId, { record, event });
  }
  const parsed = [...events.values()].map(({ event }) => event);
  // Aggregates are first-party: they count every event, GPC visitors' included, before the privacy filter.
  const aggregation = aggregateAll(deps, parsed);
  const allowed = deps.filter(parsed);
  const failures = new Map<string, Failure[]>(parsed.map((event) => [event.eventId, []]));
  await Promise.all(deps.providers.map((provider) => deliverToProvider(provider, allowed, deps, remainingMs, failures)));
  for (const [eventId, error] of await aggregation) failures.get(eventId)?.push({ provider: AGGREGATES, error });
  for (const [messageId, { record, event }] of events) {
    const failed = failures.get(event.eventId) ?? [];
    const last = failed[failed.length - 1];
    if (last === undefined) {
      outcomes.set(messageId, undefined);
      continue;
    }
    const attempts = Number(record.attributes.ApproximateReceiveCount ?? '1');
    if (attempts >= deps.maxAttempts || failed.every((failure) => isPermanent(failure.error))) {
      outcomes.set(
        messageId,
        await deadLetterOrError(deps, { event, lastError: describe(last.error), provider: last.provider, attempts, failedAt: now().toISOString() }),
      );
    } else {
      outcomes.set(messageId, new Error(`${failed.length} provider deliveries failed; last: ${describe(last.error)}`));
    }
  }
  return outcomes;
}

async function deadLetterOrError(
  deps: ForwarderDependencies,
  letter: { event?: ForwardEvent; rawBody?: string; lastError: string; provider?: string; attempts: number; failedAt: string },
): Promise<Error | undefined> {
  try {
    await deps.deadLetter({ deadLetter: 1, ...letter });
    operatorMetrics().deadLettered(letter.provider);
    deps.log('warn', 'event dead-lettered', { metric: 'EventDeadLettered', eventId: letter.event?.eventId, lastError: letter.lastError, provider: letter.provider });
    return undefined;
  } catch (error) {
    return new Error(`dead-letter send failed: ${describe(error)}`);
  }
}

/**
 * The forwarder Lambda's handler: Powertools batch processing over SQS, so one bad message never
 * re-delivers its batch-mates (partial batch responses).
 * @example export const handler = createForwarder(deps)
 */
export function createForwarder(deps: ForwarderDependencies) {
  const processor = new BatchProcessor(EventType.SQS);
  return async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
    const remainingMs = Math.max(1000, context.getRemainingTimeInMillis() - 1000);
    const outcomes = forwardBatch(event.Records, deps, remainingMs);
    return processPartialResponse(
      event,
      async (record: SQSRecord) => {
        const outcome = (await outcomes).get(record.messageId);
        if (outcome !== undefined) throw outcome;
      },
      processor,
      { context, throwOnFullBatchFailure: false },
    );
  };
}
