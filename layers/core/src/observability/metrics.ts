import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

/** The CloudWatch namespace of edgeprint's own metrics (the alarms and dashboard read it, infra/lib/constructs/edgeprint-monitoring.ts). */
export const METRIC_NAMESPACE = 'Edgeprint';
/** The `service` dimension every metric carries. */
export const METRIC_SERVICE = 'edgeprint';

/** Metric names, and the dimension each is split by (docs/operations.md). */
export const METRIC_NAMES = {
  /** Visits and events stored, by `route` (collect, redirect, activity, edge-ingest). */
  recorded: 'EventsRecorded',
  /** Accepted but not stored, by `reason` (bot, gpc, debounced, …). */
  dropped: 'EventsDropped',
  /** Delivered to a provider, by `provider`. */
  forwarded: 'EventsForwarded',
  /** Given up on and put on the dead-letter queue, by `provider` (`none`: the message could not be read). */
  deadLettered: 'EventsDeadLettered',
  /**
   * Stored events the consumer could not count (day counters not written after the hit counters, or
   * an event without site or session). The request path no longer enqueues, so there is no enqueue
   * fallback to count: an event that cannot reach the queue waits in the table's stream, then in
   * the pipe's dead-letter queue (its own alarm).
   */
  countsLost: 'CountsLost',
  /** Seconds from an event's time to its aggregation into the dashboard counters (the batch's oldest). */
  aggregateLag: 'AggregateLagSeconds',
} as const;

/** The numbers an operator asks about, emitted where the code knows them. Never throws. */
export interface OperatorMetrics {
  recorded(route: string): void;
  dropped(reason: string): void;
  forwarded(provider: string, count: number): void;
  deadLettered(provider: string | undefined): void;
  countsLost(count: number): void;
  aggregateLag(seconds: number): void;
}

/** Emits nothing: the local stack and tests (EMF lines on stdout would only be noise there). */
export const NO_METRICS: OperatorMetrics = Object.freeze({
  recorded: () => undefined,
  dropped: () => undefined,
  forwarded: () => undefined,
  deadLettered: () => undefined,
  countsLost: () => undefined,
  aggregateLag: () => undefined,
});

/**
 * Powertools Metrics in Embedded Metric Format: one EMF line on stdout per data point, flushed at
 * once (a single metric), so no handler has to publish at its end and a frozen Lambda loses nothing.
 * CloudWatch turns the lines of the function's log group into metrics.
 * @example emfMetrics().recorded('collect')
 */
export function emfMetrics(options: { namespace?: string; service?: string } = {}): OperatorMetrics {
  const metrics = new Metrics({ namespace: options.namespace ?? METRIC_NAMESPACE, serviceName: options.service ?? METRIC_SERVICE });
  const emit = (name: string, unit: (typeof MetricUnit)[keyof typeof MetricUnit], value: number, dimensions: Record<string, string> = {}): void => {
    try {
      const single = metrics.singleMetric();
      for (const [key, dimension] of Object.entries(dimensions)) single.addDimension(key, dimension);
      single.addMetric(name, unit, value);
    } catch {
      // A metric must never fail the request or the batch that produced it.
    }
  };
  return {
    recorded: (route) => emit(METRIC_NAMES.recorded, MetricUnit.Count, 1, { route }),
    dropped: (reason) => emit(METRIC_NAMES.dropped, MetricUnit.Count, 1, { reason }),
    forwarded: (provider, count) => {
      if (count > 0) emit(METRIC_NAMES.forwarded, MetricUnit.Count, count, { provider });
    },
    deadLettered: (provider) => emit(METRIC_NAMES.deadLettered, MetricUnit.Count, 1, { provider: provider ?? 'none' }),
    countsLost: (count) => {
      if (count > 0) emit(METRIC_NAMES.countsLost, MetricUnit.Count, count);
    },
    aggregateLag: (seconds) => emit(METRIC_NAMES.aggregateLag, MetricUnit.Seconds, Math.max(0, seconds)),
  };
}

/**
 * EMF only inside Lambda (`AWS_LAMBDA_FUNCTION_NAME` set) and unless `POWERTOOLS_METRICS_DISABLED`
 * is `true`; otherwise `NO_METRICS`.
 * @example metricsFromEnvironment({ AWS_LAMBDA_FUNCTION_NAME: 'edgeprint-collect' }) // EMF
 */
export function metricsFromEnvironment(env: Record<string, string | undefined> = process.env): OperatorMetrics {
  const inLambda = env.AWS_LAMBDA_FUNCTION_NAME !== undefined && env.AWS_LAMBDA_FUNCTION_NAME.length > 0;
  return inLambda && env.POWERTOOLS_METRICS_DISABLED?.toLowerCase() !== 'true' ? emfMetrics() : NO_METRICS;
}

let shared: OperatorMetrics | undefined;

/**
 * The process-wide metrics, chosen once from the environment. Call sites use this rather than the
 * runtime so a metric is one line where the number is known.
 * @example operatorMetrics().dropped('bot')
 */
export function operatorMetrics(): OperatorMetrics {
  shared ??= metricsFromEnvironment();
  return shared;
}
