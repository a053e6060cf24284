import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { Logger } from '@aws-lambda-powertools/logger';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import * as v from 'valibot';
import { ConfigError } from '../errors';
import { powertoolsDeliveryLedger } from '../queue/powertools-delivery-ledger';
import { readSecret } from '../secrets/read-secret';
import { localClientOptions } from '../store/client';
import type { DeadLetterSink } from './dead-letter';
import { createForwarder, type ForwarderDependencies } from './forwarder';
import { httpPost } from './http-post';
import { applyPrivacyFilter, DEFAULT_DENY_PARAMS, DEFAULT_EXCLUDE_PATHS } from './privacy-filter';
import { providersFromConfig } from './providers';
import { aggregateBatch } from '../aggregates/aggregate-batch';
import { createTableContext } from '../store/client';
import { dynamoAggregateStore } from '../store/dynamo-aggregate-store';
import { operatorMetrics } from '../observability/metrics';
import { journaledAggregator } from '../store/journaled-aggregate-store';
import { fileJournal } from '../store/aggregate-journal-file';
import { describeIssues } from '../validation/issues';

// An absent variable takes the default text, which the pipe then parses like a given one.
const list = (fallback: readonly string[]) =>
  v.optional(
    v.pipe(
      v.string(),
      v.transform((value) => value.split(',').map((item) => item.trim()).filter(Boolean)),
    ),
    fallback.join(','),
  );
const flag = (fallback: boolean) =>
  v.optional(
    v.pipe(
      v.picklist(['true', 'false']),
      v.transform((value) => value === 'true'),
    ),
    fallback ? 'true' : 'false',
  );
/** A whole number from its decimal text (the environment is text), within bounds. */
const wholeNumber = (fallback: number, min: number, max: number) =>
  v.optional(v.pipe(v.string(), v.transform(Number), v.number(), v.integer(), v.minValue(min), v.maxValue(max)), String(fallback));
const text = (min: number, max: number) => v.pipe(v.string(), v.minLength(min), v.maxLength(max));
const url = v.pipe(v.string(), v.url());

// valibot, like every other function's configuration: zod alone was 444 KiB of the forwarder's bundle.
const forwarderEnvironment = v.object({
  EDGEPRINT_PROVIDERS: v.optional(v.pipe(v.string(), v.maxLength(20_000)), '{}'),
  EDGEPRINT_PROVIDER_SECRETS_ARN: v.optional(v.pipe(v.string(), v.minLength(1))),
  EDGEPRINT_IDEMPOTENCY_TABLE: text(3, 255),
  EDGEPRINT_IDEMPOTENCY_WINDOW_SECONDS: wholeNumber(86400, 60, 30 * 86400),
  EDGEPRINT_DLQ_URL: url,
  EDGEPRINT_MAX_ATTEMPTS: wholeNumber(5, 1, 100),
  EDGEPRINT_DYNAMODB_ENDPOINT: v.optional(url),
  EDGEPRINT_SQS_ENDPOINT: v.optional(url),
  EDGEPRINT_FORWARD_GPC: flag(false),
  EDGEPRINT_HONOR_DNT: flag(true),
  EDGEPRINT_FORWARD_DENY_PARAMS: list(DEFAULT_DENY_PARAMS),
  EDGEPRINT_FORWARD_EXCLUDE_PATHS: list(DEFAULT_EXCLUDE_PATHS),
  /** The main table: when set, the forwarder also maintains the dashboard's aggregates in it. */
  EDGEPRINT_TABLE: v.optional(text(3, 255)),
  /** `false` turns the dashboard's day counters off (hit counters are always kept). */
  EDGEPRINT_AGGREGATES: flag(true),
  /** Local stack only: the journal file that makes the single local consumer's counting exact across kill -9. */
  EDGEPRINT_AGGREGATE_JOURNAL: v.optional(text(1, 4096)),
  AWS_REGION: v.optional(v.string(), 'us-east-1'),
});

/** Deep-merges the secret JSON (`{"ga4":{"apiSecret":"…"}}`) over the plain provider config. */
function mergeSecrets(config: Record<string, unknown>, secrets: Record<string, unknown>): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...config };
  for (const [provider, values] of Object.entries(secrets)) {
    if (values !== null && typeof values === 'object') merged[provider] = { ...(merged[provider] as object | undefined), ...values };
  }
  return merged;
}

function parseJsonObject(text: string, what: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // fall through to the error below, without echoing the (possibly secret) text
  }
  throw new ConfigError(`${what} must be a JSON object`);
}

/**
 * Builds the forwarder's dependencies from the environment, once per cold start: providers (with
 * their secrets from Secrets Manager), the Powertools-backed delivery ledger, the dead-letter sink
 * and the privacy rules.
 */
export async function forwarderFromEnvironment(env: NodeJS.ProcessEnv = process.env): Promise<ForwarderDependencies> {
  const parsed = v.safeParse(forwarderEnvironment, env);
  if (!parsed.success) throw new ConfigError(`Invalid forwarder configuration: ${describeIssues(parsed.issues, 'environment').join('; ')}`);
  const e = parsed.output;
  let providerConfig = parseJsonObject(e.EDGEPRINT_PROVIDERS, 'EDGEPRINT_PROVIDERS');
  if (e.EDGEPRINT_PROVIDER_SECRETS_ARN !== undefined) {
    const secrets = parseJsonObject(await readSecret(e.EDGEPRINT_PROVIDER_SECRETS_ARN, e.AWS_REGION), 'The provider secrets');
    providerConfig = mergeSecrets(providerConfig, secrets);
  }
  const logger = new Logger({ serviceName: 'edgeprint-forwarder' });
  const providers = providersFromConfig(providerConfig, httpPost, {
    onDrop: (provider, reason, eventId) => logger.warn('event dropped by provider adapter', { metric: 'ProviderDrop', provider, reason, eventId }),
  });
  const sqs = new SQSClient({ region: e.AWS_REGION, endpoint: e.EDGEPRINT_SQS_ENDPOINT, ...localClientOptions(e.EDGEPRINT_SQS_ENDPOINT) });
  const deadLetter: DeadLetterSink = async (letter) => {
    await sqs.send(new SendMessageCommand({ QueueUrl: e.EDGEPRINT_DLQ_URL, MessageBody: JSON.stringify(letter) }));
  };
  const dynamodb = new DynamoDBClient({ region: e.AWS_REGION, endpoint: e.EDGEPRINT_DYNAMODB_ENDPOINT, ...localClientOptions(e.EDGEPRINT_DYNAMODB_ENDPOINT) });
  const privacy = {
    forwardGpc: e.EDGEPRINT_FORWARD_GPC,
    honorDnt: e.EDGEPRINT_HONOR_DNT,
    denyParams: e.EDGEPRINT_FORWARD_DENY_PARAMS,
    excludePaths: e.EDGEPRINT_FORWARD_EXCLUDE_PATHS,
  };
  return {
    providers,
    ledger: powertoolsDeliveryLedger({ client: dynamodb, tableName: e.EDGEPRINT_IDEMPOTENCY_TABLE, windowSeconds: e.EDGEPRINT_IDEMPOTENCY_WINDOW_SECONDS }),
    filter: (events) => {
      const result = applyPrivacyFilter(events, privacy);
      for (const [reason, count] of Object.entries(result.dropped)) {
        if (count > 0) logger.info('events kept from providers', { metric: 'ForwardPrivacyDrop', reason, count });
      }
      return result.events;
    },
    deadLetter,
    maxAttempts: e.EDGEPRINT_MAX_ATTEMPTS,
    log: (level, message, details) => logger[level](message, details),
    aggregate: aggregatorFor(e.EDGEPRINT_TABLE, e, logger),
  };
}

/**
 * The consumer's counting over the main table, when the forwarder is given one: the hit counters
 * and (unless EDGEPRINT_AGGREGATES=false) the dashboard's day counters.
 */
function aggregatorFor(
  tableName: string | undefined,
  e: { AWS_REGION: string; EDGEPRINT_DYNAMODB_ENDPOINT?: string; EDGEPRINT_AGGREGATES: boolean; EDGEPRINT_AGGREGATE_JOURNAL?: string },
  logger: Logger,
): ForwarderDependencies['aggregate'] {
  if (tableName === undefined) return undefined;
  const table = createTableContext({ tableName, region: e.AWS_REGION, endpoint: e.EDGEPRINT_DYNAMODB_ENDPOINT });
  const log = (level: 'info' | 'warn' | 'error', message: string, details: Record<string, unknown>) => {
    logger[level](message, details);
    // Stored events the counters missed: the operator's CountsLost metric.
    if (details.metric === 'AggregateLost' || details.metric === 'HitNotCounted') operatorMetrics().countsLost(Number(details.events ?? details.count ?? 0));
  };
  const deps = { log, dayCounters: e.EDGEPRINT_AGGREGATES };
  if (e.EDGEPRINT_AGGREGATE_JOURNAL !== undefined) return journaledAggregator(table, fileJournal(e.EDGEPRINT_AGGREGATE_JOURNAL), deps);
  const store = dynamoAggregateStore(table);
  return (events) => aggregateBatch(events, { ...deps, store });
}

let shared: Promise<(event: SQSEvent, context: Context) => Promise<SQSBatchResponse>> | undefined;

/**
 * The forwarder handler with its dependencies resolved on first use. A failed start is not cached.
 * @example export const handler = forwarderHandler
 */
export async function forwarderHandler(event: SQSEvent, context: Context): Promise<SQSBatchResponse> {
  shared ??= forwarderFromEnvironment()
    .then(createForwarder)
    .catch((error: unknown) => {
      shared = undefined;
      throw error;
    });
  return (await shared)(event, context);
}

/** Forgets the cached forwarder so the next call reads the environment again (local stack restarts, tests). */
export function resetForwarderForTests(): void {
  shared = undefined;
}
