import { type App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { TABLE_ACTIONS } from '../../../../infra/lib/constructs/edgeprint-function';
import { FAILURE_QUEUE_RETENTION, INGEST_SOURCE, RealtimeLogToIngest, STREAM_RETENTION } from '../../../../infra/lib/constructs/realtime-log-to-ingest';
import { parseEdgeRules } from '../../../../layers/core/src/edge/edge-config';
import { edgeRulesFromEnvironment } from '../../../../layers/core/src/edge/ingest';
import { REALTIME_LOG_FIELDS } from '../../../../layers/core/src/edge/realtime-log';
import { acknowledgements, logicalIdOf, newApp, resourcesOf, unacknowledgedNagFindings } from '../../synth-app';

const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:edgeprint/fingerprint-AbCdEf';
const RULES = parseEdgeRules({ siteId: 'shop', privacyMode: 'cookieless', excludePrefixes: ['/admin', '/_t'], includePrefixes: ['/blog'] });

describe('RealtimeLogToIngest', () => {
  let app: App;
  let stack: Stack;
  let recording: RealtimeLogToIngest;
  let table: dynamodb.Table;
  let queue: sqs.Queue;
  let secret: secretsmanager.ISecret;
  let template: Template;

  const ref = (construct: Parameters<typeof logicalIdOf>[0]) => ({ Ref: logicalIdOf(construct) });
  const arn = (construct: Parameters<typeof logicalIdOf>[0]) => ({ 'Fn::GetAtt': [logicalIdOf(construct), 'Arn'] });
  /** The statements of the IAM policies attached to a role. */
  const statementsOf = (roleLogicalId: string): Array<Record<string, any>> =>
    resourcesOf(template, 'AWS::IAM::Policy')
      .filter(([, policy]) => (policy.Properties.Roles as unknown[]).some((role) => JSON.stringify(role) === JSON.stringify({ Ref: roleLogicalId })))
      .flatMap(([, policy]) => policy.Properties.PolicyDocument.Statement as Array<Record<string, any>>);
  const grantsOf = (roleLogicalId: string) =>
    statementsOf(roleLogicalId).map((statement) => ({ actions: [statement.Action].flat().sort() as string[], resource: statement.Resource as unknown }));

  beforeAll(() => {
    // One stack with only what the construct needs.
    app = newApp();
    stack = new Stack(app, 'Recording', { env: { region: 'eu-west-1' } });
    table = new dynamodb.Table(stack, 'Table', {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    });
    queue = new sqs.Queue(stack, 'Events', { enforceSSL: true, encryption: sqs.QueueEncryption.SQS_MANAGED, deadLetterQueue: { queue: new sqs.Queue(stack, 'EventsDlq', { enforceSSL: true }), maxReceiveCount: 5 } });
    secret = secretsmanager.Secret.fromSecretCompleteArn(stack, 'Secret', SECRET_ARN);
    recording = new RealtimeLogToIngest(stack, 'EdgeRecording', {
      table,
      secret,
      environment: { EDGEPRINT_IP_MODE: 'truncated', EDGEPRINT_PRIVACY_MODE: 'cookieless' },
      rules: RULES,
      shardCount: 2,
      logRetentionDays: 30,
      logRemovalPolicy: RemovalPolicy.DESTROY,
    });
    app.synth();
    template = Template.fromStack(stack);
  });

  describe('real-time log configuration', () => {
    it('selects exactly REALTIME_LOG_FIELDS, in their order, for every request (sampling 100)', () => {
      const configs = resourcesOf(template, 'AWS::CloudFront::RealtimeLogConfig').map(([, config]) => config.Properties);
      expect(configs).toEqual([
        expect.objectContaining({
          Fields: [...REALTIME_LOG_FIELDS],
          SamplingRate: 100,
          EndPoints: [{ StreamType: 'Kinesis', KinesisStreamConfig: { StreamArn: arn(recording.stream), RoleArn: arn(recording.deliveryRole) } }],
        }),
      ]);
    });

    it('is named per region, since CloudFront names are account-wide', () => {
      const name = resourcesOf(template, 'AWS::CloudFront::RealtimeLogConfig')[0]?.[1].Properties.Name;
      expect(JSON.stringify(name)).toContain('AWS::Region');
    });

    it('delivers through a role only CloudFront can assume', () => {
      const role = template.toJSON().Resources[logicalIdOf(recording.deliveryRole)].Properties;
      expect(role.AssumeRolePolicyDocument.Statement).toEqual([
        { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'cloudfront.amazonaws.com' } },
      ]);
      expect(role.ManagedPolicyArns).toBeUndefined();
    });

    it('lets that role describe and put records on this stream and generate data keys with its key, and nothing else', () => {
      expect(grantsOf(logicalIdOf(recording.deliveryRole))).toEqual([
        {
          actions: ['kinesis:DescribeStream', 'kinesis:DescribeStreamSummary', 'kinesis:PutRecord', 'kinesis:PutRecords'],
          resource: arn(recording.stream),
        },
        { actions: ['kms:GenerateDataKey'], resource: arn(recording.key) },
      ]);
    });
  });

  describe('stream', () => {
    it('is provisioned with the given shards, keeps records 24 hours and is encrypted with its own rotating key', () => {
      template.hasResourceProperties('AWS::Kinesis::Stream', {
        ShardCount: 2,
        StreamModeDetails: { StreamMode: 'PROVISIONED' },
        RetentionPeriodHours: STREAM_RETENTION.toHours(),
        StreamEncryption: { EncryptionType: 'KMS', KeyId: arn(recording.key) },
      });
      expect(STREAM_RETENTION.toHours()).toBe(24);
      template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    });
  });

  describe('ingest', () => {
    const ingestId = () => logicalIdOf(recording.ingest);

    it('reads the stream in order with partial batch responses, bisecting, bounded retries and an on-failure queue', () => {
      template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        EventSourceArn: arn(recording.stream),
        FunctionName: { Ref: ingestId() },
        StartingPosition: 'TRIM_HORIZON',
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        BisectBatchOnFunctionError: true,
        BatchSize: INGEST_SOURCE.batchSize,
        MaximumBatchingWindowInSeconds: Match.anyValue(),
        MaximumRetryAttempts: INGEST_SOURCE.retryAttempts,
        MaximumRecordAgeInSeconds: 24 * 3600,
        ParallelizationFactor: 1,
        DestinationConfig: { OnFailure: { Destination: arn(recording.failureQueue) } },
      });
      const mapping = resourcesOf(template, 'AWS::Lambda::EventSourceMapping')[0]?.[1].Properties;
      expect(mapping.MaximumBatchingWindowInSeconds).toBeGreaterThanOrEqual(1);
      expect(mapping.MaximumBatchingWindowInSeconds).toBeLessThanOrEqual(5);
    });

    it('keeps failed-batch reports in an encrypted, TLS-only queue longer than the stream keeps records', () => {
      const queueProperties = template.toJSON().Resources[logicalIdOf(recording.failureQueue)].Properties;
      expect(queueProperties).toEqual(expect.objectContaining({ SqsManagedSseEnabled: true, MessageRetentionPeriod: FAILURE_QUEUE_RETENTION.toSeconds() }));
      expect(FAILURE_QUEUE_RETENTION.toSeconds()).toBeGreaterThan(STREAM_RETENTION.toSeconds());
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [ref(recording.failureQueue)],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Action: 'sqs:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      });
    });

    it('runs the edge-ingest handler on arm64 with the regional runtime, the edge rules (no secret in them) and the secret ARN', () => {
      const properties = template.toJSON().Resources[ingestId()].Properties;
      expect(recording.ingest.entryName).toBe('edge-ingest');
      expect(properties).toEqual(expect.objectContaining({ Architectures: ['arm64'], MemorySize: 256, Timeout: 60 }));
      // Its own bundle, no layer (docs/architecture.md, how a function is composed).
      expect(properties.Layers).toBeUndefined();
      const variables = properties.Environment.Variables as Record<string, unknown>;
      expect(variables).toEqual(
        expect.objectContaining({
          EDGEPRINT_PRIVACY_MODE: 'cookieless',
          EDGEPRINT_TABLE: ref(table),
          EDGEPRINT_SECRET_ARN: SECRET_ARN,
        }),
      );
      expect(variables).not.toHaveProperty('EDGEPRINT_SECRET');
      // The ingest reads back exactly the rules the edge function is built with.
      expect(edgeRulesFromEnvironment({ EDGEPRINT_EDGE_RULES: variables.EDGEPRINT_EDGE_RULES as string })).toEqual(RULES);
      expect(Object.keys(JSON.parse(variables.EDGEPRINT_EDGE_RULES as string)).sort()).toEqual(['excludePrefixes', 'includePrefixes', 'navigationOnly', 'privacyMode', 'siteId']);
    });

    it('may read this stream, decrypt with its key, write the table, send to its failure queue and read the secret, and nothing else', () => {
      const grants = grantsOf(logicalIdOf(recording.ingest.role!)).filter((grant) => !grant.actions.every((action) => /^(logs|xray):/.test(action)));
      expect(grants).toEqual(
        expect.arrayContaining([
          { actions: ['secretsmanager:GetSecretValue'], resource: SECRET_ARN },
          { actions: [...TABLE_ACTIONS.readWrite].sort(), resource: arn(table) },
          { actions: ['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage'], resource: arn(recording.failureQueue) },
          { actions: expect.arrayContaining(['kinesis:GetRecords', 'kinesis:GetShardIterator', 'kinesis:DescribeStream']), resource: arn(recording.stream) },
          { actions: ['kms:Decrypt'], resource: arn(recording.key) },
        ]),
      );
      expect(grants).toHaveLength(5);
      const kinesis = grants.find((grant) => grant.actions.some((action) => action.startsWith('kinesis:')));
      expect(kinesis?.actions.filter((action) => /^kinesis:(Put|Delete|Create|Update|Merge|Split|Increase|Decrease)/.test(action))).toEqual([]);
    });
  });

  it('is cdk-nag clean, acknowledging the customer managed key and the failure queue with specific reasons', () => {
    expect(unacknowledgedNagFindings(app)).toEqual([]);
    const acknowledged = acknowledgements(app).filter((entry) => entry.path.startsWith('Recording/EdgeRecording'));
    expect(acknowledged.map((entry) => entry.id)).toEqual(expect.arrayContaining(['AwsSolutions-KDS3', 'AwsSolutions-SQS3']));
    for (const entry of acknowledged) expect(entry.reason.length).toBeGreaterThan(40);
  });
});
