import { Aws, Duration, Names, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { KinesisEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { edgeRulesOf, type EdgeRules } from '../../../layers/core/src/edge/edge-config';
import { REALTIME_LOG_FIELDS } from '../../../layers/core/src/edge/realtime-log';
import { EdgeprintFunction } from './edgeprint-function';

export interface RealtimeLogToIngestProps {
  /** The table the regional API records into; the ingest records the edge's navigations there too. */
  readonly table: dynamodb.ITable;
  /** The regional fingerprint secret (the edge bundle is built with the same value). */
  readonly secret: secretsmanager.ISecret;
  /** The regional functions' runtime variables (`runtimeEnvironment(settings)`). */
  readonly environment: Record<string, string>;
  /** The rules the edge function is built with; the ingest applies the same (`EDGEPRINT_EDGE_RULES`). */
  readonly rules: EdgeRules;
  /** Provisioned shards; one takes 1,000 records or 1 MB per second (about 600 requests per second here). @default 1 */
  readonly shardCount?: number;
  readonly logRetentionDays: number;
  readonly logRemovalPolicy: RemovalPolicy;
  /** Of the failure queue's contents on teardown. @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
}

/** Event source settings of the ingest (docs/edge.md, "The consumer"). */
export const INGEST_SOURCE = {
  batchSize: 100,
  /** At low traffic, up to 5 s of records per invocation rather than one invocation per record. */
  maxBatchingWindow: Duration.seconds(5),
  retryAttempts: 5,
  /** The stream keeps records 24 hours; older ones are gone anyway. */
  maxRecordAge: Duration.days(1),
} as const;

export const STREAM_RETENTION = Duration.hours(24);
export const FAILURE_QUEUE_RETENTION = Duration.days(14);

/**
 * The recording path of the edge: a CloudFront real-time log configuration (every request of the
 * behaviour it is attached to, exactly `REALTIME_LOG_FIELDS`) writing to a KMS-encrypted Kinesis
 * data stream through a role only CloudFront can assume, read by the `edge-ingest` function
 * (partial batch responses, bisect on error, bounded retries, an on-failure queue), which records
 * through the same domain code as the regional API. Attach `realtimeLogConfig` to the site's
 * behaviour of the distribution.
 * @example const recording = new RealtimeLogToIngest(this, 'EdgeRecording', { table, secret, environment, rules, logRetentionDays: 90, logRemovalPolicy })
 */
export class RealtimeLogToIngest extends Construct {
  /** Encrypts the stream: its records hold full viewer IPs and cookies, so reading them also needs kms:Decrypt on this key. */
  readonly key: kms.Key;
  readonly stream: kinesis.Stream;
  /** Assumed by CloudFront to put the log records. */
  readonly deliveryRole: iam.Role;
  readonly realtimeLogConfig: cloudfront.RealtimeLogConfig;
  readonly ingest: EdgeprintFunction;
  /** Where Lambda reports the shard and sequence range of a batch it gave up on. */
  readonly failureQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: RealtimeLogToIngestProps) {
    super(scope, id);
    // The stream holds at most a day of logs: nothing worth keeping (or paying for) after a teardown.
    this.key = new kms.Key(this, 'StreamKey', {
      description: 'edgeprint: encrypts the CloudFront real-time log stream',
      enableKeyRotation: true,
      pendingWindow: Duration.days(7),
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stream = new kinesis.Stream(this, 'Stream', {
      streamMode: kinesis.StreamMode.PROVISIONED,
      shardCount: props.shardCount ?? 1,
      retentionPeriod: STREAM_RETENTION,
      encryption: kinesis.StreamEncryption.KMS,
      encryptionKey: this.key,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    Validations.of(this.stream).acknowledge({
      id: 'AwsSolutions-KDS3',
      reason: 'A customer managed key on purpose: the records carry full viewer IPs, user agents and session cookies, and with this key reading them needs kms:Decrypt on it besides kinesis:GetRecords (only the ingest function has both).',
    });

    this.deliveryRole = new iam.Role(this, 'DeliveryRole', {
      assumedBy: new iam.ServicePrincipal('cloudfront.amazonaws.com'),
      description: 'edgeprint: CloudFront writes real-time log records to the stream',
    });
    this.realtimeLogConfig = new cloudfront.RealtimeLogConfig(this, 'LogConfig', {
      // Names are account-wide (CloudFront is global): the region keeps two regional deployments apart.
      realtimeLogConfigName: `${Names.uniqueResourceName(this, { maxLength: 64 })}-${Aws.REGION}`,
      fields: [...REALTIME_LOG_FIELDS],
      // Hits are exact counts: a sampled log would make every count a sample.
      samplingRate: 100,
      // Grants the role exactly the documented actions: kinesis:DescribeStreamSummary, DescribeStream,
      // PutRecord, PutRecords on this stream and kms:GenerateDataKey on its key.
      endPoints: [cloudfront.Endpoint.fromKinesisStream(this.stream, this.deliveryRole)],
    });

    this.failureQueue = new sqs.Queue(this, 'FailureQueue', {
      retentionPeriod: FAILURE_QUEUE_RETENTION,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    Validations.of(this.failureQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is itself the on-failure destination of the Kinesis event source (the shard and sequence range of a batch Lambda gave up on); it is read by an operator, never by a consumer that could fail again.',
    });

    this.ingest = new EdgeprintFunction(this, 'Ingest', {
      name: 'edge-ingest',
      description: 'edgeprint edge ingest: records CloudFront real-time log records (navigations, hits)',
      timeout: Duration.seconds(60),
      environment: { ...props.environment, EDGEPRINT_EDGE_RULES: JSON.stringify(edgeRulesOf(props.rules)) },
      logRetentionDays: props.logRetentionDays,
      logRemovalPolicy: props.logRemovalPolicy,
    });
    this.ingest.bindSecret(props.secret);
    this.ingest.bindTable(props.table, 'readWrite');
    // Grants reading this stream and kms:Decrypt on its key, and sending to the failure queue.
    this.ingest.addEventSource(
      new KinesisEventSource(this.stream, {
        startingPosition: lambda.StartingPosition.TRIM_HORIZON,
        batchSize: INGEST_SOURCE.batchSize,
        maxBatchingWindow: INGEST_SOURCE.maxBatchingWindow,
        reportBatchItemFailures: true,
        bisectBatchOnError: true,
        retryAttempts: INGEST_SOURCE.retryAttempts,
        maxRecordAge: INGEST_SOURCE.maxRecordAge,
        parallelizationFactor: 1,
        onFailure: new SqsDlq(this.failureQueue),
      }),
    );
  }
}
