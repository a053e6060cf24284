import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { ForwardingSettings } from '../config';
import { EdgeprintFunction } from './edgeprint-function';

export interface QueueToForwarderProps {
  readonly forwarding: ForwardingSettings;
  readonly logRetentionDays: number;
  readonly logRemovalPolicy: RemovalPolicy;
  /** Of the queues' contents on teardown. @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
  /** @default 30 seconds (providers are called over the network) */
  readonly forwarderTimeout?: Duration;
  /** Receives before a message moves to the dead-letter queue; also the forwarder's own attempt limit. @default 5 */
  readonly maxReceiveCount?: number;
}

/**
 * How the forwarder takes the queue: up to 1000 messages per invocation, gathered for up to 90 s.
 * The aggregation writes one marker per session and one counter item per site and day per batch, so
 * its cost per event falls as a batch holds more events of each session: with this window it meets
 * the goal of at most 1 write unit per event on the benchmark's moderate and busy traffic when one
 * poller gathers the batch (bench/aggregates.ts, docs/benchmarks.md "Batch size and window"; more
 * pollers cut smaller batches). The window adds up to 90 s (about 45 s on average) to the lag of the
 * dashboard, of /v1/hits and of the providers (docs/decisions.md). Lambda allows up to 10,000
 * messages and 300 s on a standard queue; larger batches also mean fewer provider requests.
 */
export const FORWARDER_BATCH = { batchSize: 1000, maxBatchingWindowSeconds: 90 } as const;

/** The deployed batching: the settings' `forwarding.batchSize`/`batchWindowSeconds`, else FORWARDER_BATCH. */
export function consumerBatching(forwarding: Pick<ForwardingSettings, 'batchSize' | 'batchWindowSeconds'>): { batchSize: number; maxBatchingWindowSeconds: number } {
  return {
    batchSize: forwarding.batchSize ?? FORWARDER_BATCH.batchSize,
    maxBatchingWindowSeconds: forwarding.batchWindowSeconds ?? FORWARDER_BATCH.maxBatchingWindowSeconds,
  };
}

/** Queue retention; the DLQ keeps messages longer, so nothing expires there before the queue's copy would have. */
export const QUEUE_RETENTION = Duration.days(4);
export const DEAD_LETTER_RETENTION = Duration.days(14);

/** The forwarder's environment (layers/core/src/forwarding/forwarder-runtime.ts) from the settings. */
export function forwarderEnvironment(forwarding: ForwardingSettings, maxAttempts: number): Record<string, string> {
  const environment: Record<string, string> = {
    EDGEPRINT_PROVIDERS: JSON.stringify(forwarding.providers),
    EDGEPRINT_MAX_ATTEMPTS: String(maxAttempts),
  };
  if (forwarding.forwardGpc !== undefined) environment.EDGEPRINT_FORWARD_GPC = String(forwarding.forwardGpc);
  if (forwarding.honorDnt !== undefined) environment.EDGEPRINT_HONOR_DNT = String(forwarding.honorDnt);
  if (forwarding.denyParams !== undefined) environment.EDGEPRINT_FORWARD_DENY_PARAMS = forwarding.denyParams.join(',');
  if (forwarding.excludePaths !== undefined) environment.EDGEPRINT_FORWARD_EXCLUDE_PATHS = forwarding.excludePaths.join(',');
  if (forwarding.idempotencyWindowSeconds !== undefined) environment.EDGEPRINT_IDEMPOTENCY_WINDOW_SECONDS = String(forwarding.idempotencyWindowSeconds);
  return environment;
}

/**
 * The event queue and its dead-letter queue, drained by the forwarder with partial batch responses
 * (the `aws-sqs-lambda` pattern): TLS-only, SQS-managed encryption, visibility timeout 6x the
 * forwarder's timeout (a slow batch is not re-delivered while it still runs), and the forwarder's
 * delivery ledger (Powertools idempotency table) so a redelivered event reaches a provider once.
 * @example const events = new QueueToForwarder(this, 'Events', { forwarding: { providers: {} }, logRetentionDays: 90, logRemovalPolicy })
 */
export class QueueToForwarder extends Construct {
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
  readonly deliveryLedger: dynamodb.Table;
  readonly forwarder: EdgeprintFunction;

  constructor(scope: Construct, id: string, props: QueueToForwarderProps) {
    super(scope, id);
    const timeout = props.forwarderTimeout ?? Duration.seconds(30);
    const maxReceiveCount = props.maxReceiveCount ?? 5;
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const batching = consumerBatching(props.forwarding);
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      retentionPeriod: DEAD_LETTER_RETENTION,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      removalPolicy,
    });
    this.queue = new sqs.Queue(this, 'Queue', {
      retentionPeriod: QUEUE_RETENTION,
      // 6x the timeout plus the batching window (AWS's advice for event source mappings).
      visibilityTimeout: Duration.seconds(timeout.toSeconds() * 6 + batching.maxBatchingWindowSeconds),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount },
      removalPolicy,
    });
    // Claims expire with the idempotency window; nothing personal is stored, so it is never retained.
    this.deliveryLedger = new dynamodb.Table(this, 'DeliveryLedger', {
      partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: 'expiration',
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.forwarder = new EdgeprintFunction(this, 'Forwarder', {
      name: 'forwarder',
      description: 'edgeprint forwarder: relays queued events to the configured providers',
      timeout,
      environment: forwarderEnvironment(props.forwarding, maxReceiveCount),
      logRetentionDays: props.logRetentionDays,
      logRemovalPolicy: props.logRemovalPolicy,
    });
    this.forwarder.bindQueue(this.queue, 'consume', { batchSize: batching.batchSize, maxBatchingWindow: Duration.seconds(batching.maxBatchingWindowSeconds) });
    // The forwarder dead-letters a message itself (with its last error) on its last attempt.
    this.forwarder.bindQueue(this.deadLetterQueue, 'send', { environmentVariable: 'EDGEPRINT_DLQ_URL' });
    this.forwarder.bindTable(this.deliveryLedger, 'ledger', { environmentVariable: 'EDGEPRINT_IDEMPOTENCY_TABLE' });
    if (props.forwarding.providerSecretsArn !== undefined) {
      const secret = secretsmanager.Secret.fromSecretCompleteArn(this, 'ProviderSecrets', props.forwarding.providerSecretsArn);
      this.forwarder.bindSecret(secret, 'EDGEPRINT_PROVIDER_SECRETS_ARN');
    }
  }
}
