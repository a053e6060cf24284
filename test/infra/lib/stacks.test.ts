import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { CloudFrontRequest, CloudFrontRequestEvent } from 'aws-lambda';
import type { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { ROUTES } from '../../../infra/routes';
import { BUNDLE_BUDGETS, bundleReport, type BundleInfo } from '../../../infra/lib/bundle-report';
import { resolveSettings } from '../../../infra/lib/config';
import { EDGE_UNCONFIGURED_WARNING } from '../../../infra/lib/constructs/edgeprint-distribution';
import { ALARM_THRESHOLDS, EDGE_CONFIGURATION_ERROR_PATTERN } from '../../../infra/lib/constructs/edgeprint-monitoring';
import { METRIC_NAMES, METRIC_NAMESPACE } from '../../../layers/core/src/observability/metrics';
import { QUEUE_ACTIONS, TABLE_ACTIONS } from '../../../infra/lib/constructs/edgeprint-function';
import { FORWARDER_BATCH } from '../../../infra/lib/constructs/queue-to-forwarder';
import { EDGE_SECRET_ENV, edgeRules, readEdgeSecret } from '../../../infra/lib/edge-build';
import { buildEdgeprintApp, handoffParameterNames, type EdgeprintApp } from '../../../infra/lib/stacks';
import { parseEdgeConfig } from '../../../layers/core/src/edge/edge-config';
import { edgeRulesFromEnvironment } from '../../../layers/core/src/edge/ingest';
import { REALTIME_LOG_FIELDS } from '../../../layers/core/src/edge/realtime-log';
import { EDGE_HEADERS, fingerprintViewerRequest } from '../../../layers/core/src/edge/viewer-request';
import { TABLE_SCHEMA } from '../../../layers/core/src/store/table';
import { edgeprintHeaderNames, headerValue, requestOf, viewerRequestFixture } from '../../helpers/cloudfront';
import { lambdaEdgeProblems, zippedSize } from '../../../infra/lib/lambda-edge-limits';
import { acknowledgements, logicalIdOf, newApp, resourcesOf, unacknowledgedNagFindings } from '../synth-app';

// One synthesis for the whole file: bundling every function takes seconds.
let app: App;
let stacks: EdgeprintApp;
let regional: Template;
let edge: Template;
let edgeLambdaStack: Stack;
let edgeLambda: Template;

const PROVIDER_SECRETS = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:edgeprint/providers-AbCdEf';
/** What `aws secretsmanager get-secret-value` gives for the regional secret (48 characters, no punctuation). */
const EDGE_SECRET = 'k3Xq9Lm2Vb7Nr4Tz8Hc1Wd6Fy5Gs0Jp3Qa9Ue2Io7Rb4Mn6S';
let edgeSecret: string | undefined;
const settings = resolveSettings({
  region: 'eu-west-1',
  siteOrigin: 'origin.shop.example',
  allowedOrigins: ['https://shop.example'],
  allowedRedirectHosts: ['shop.example'],
  forwarding: {
    providers: { plausible: { url: 'https://plausible.io', domain: 'shop.example' } },
    providerSecretsArn: PROVIDER_SECRETS,
  },
  edge: { siteId: 'shop', excludePrefixes: ['/admin'] },
  alarmEmail: 'ops@shop.example',
});

beforeAll(() => {
  // The edge secret arrives as infra/bin/app.ts reads it: from EDGEPRINT_EDGE_SECRET (no secret file here).
  const empty = mkdtempSync(join(tmpdir(), 'edgeprint-no-secret-file-'));
  const previous = process.env[EDGE_SECRET_ENV];
  process.env[EDGE_SECRET_ENV] = EDGE_SECRET;
  try {
    edgeSecret = readEdgeSecret(empty);
  } finally {
    if (previous === undefined) delete process.env[EDGE_SECRET_ENV];
    else process.env[EDGE_SECRET_ENV] = previous;
    rmSync(empty, { recursive: true, force: true });
  }
  app = newApp();
  stacks = buildEdgeprintApp(app, settings, { edgeSecret });
  app.synth();
  regional = Template.fromStack(stacks.regional);
  if (stacks.edge === undefined) throw new Error('the edge stack was not created');
  edge = Template.fromStack(stacks.edge);
  edgeLambdaStack = stacks.edge.distribution.viewerRequest.lambda.stack;
  edgeLambda = Template.fromStack(edgeLambdaStack);
});

const fn = (name: keyof typeof stacks.regional.edgeprint.functions) => stacks.regional.edgeprint.functions[name];
const forwarder = () => stacks.regional.edgeprint.events.forwarder;

/** The statements of the IAM policies attached to a function's role. */
function statementsOf(template: Template, roleLogicalId: string): Array<Record<string, any>> {
  return resourcesOf(template, 'AWS::IAM::Policy')
    .filter(([, policy]) => (policy.Properties.Roles as unknown[]).some((role) => JSON.stringify(role) === JSON.stringify({ Ref: roleLogicalId })))
    .flatMap(([, policy]) => policy.Properties.PolicyDocument.Statement as Array<Record<string, any>>);
}

/** The logical id of the template parameter that reads an SSM parameter at deploy time. */
function ssmParameterOf(template: Template, name: string): string {
  const found = Object.entries(template.toJSON().Parameters as Record<string, { Type: string; Default?: string }>)
    .filter(([, parameter]) => parameter.Type === 'AWS::SSM::Parameter::Value<String>' && parameter.Default === name)
    .map(([id]) => id);
  expect(found).toHaveLength(1);
  return found[0]!;
}

const actionsOf = (statement: Record<string, any>): string[] => [statement.Action].flat();
const resourcesOfStatement = (statement: Record<string, any>): unknown[] => [statement.Resource].flat();

describe('buildEdgeprintApp()', () => {
  describe('HTTP API', () => {
    it.each(ROUTES.map((route) => [route.path, route.functionName] as const))('routes ANY %s to the %s function through a payload-2.0 Lambda proxy integration', (path, functionName) => {
      const routes = resourcesOf(regional, 'AWS::ApiGatewayV2::Route').filter(([, route]) => route.Properties.RouteKey === `ANY ${path}`);
      expect(routes).toHaveLength(1);
      const target = JSON.stringify(routes[0]?.[1].Properties.Target);
      const integrations = resourcesOf(regional, 'AWS::ApiGatewayV2::Integration').filter(([id]) => target.includes(`"${id}"`));
      expect(integrations).toHaveLength(1);
      expect(integrations[0]?.[1].Properties).toEqual(
        expect.objectContaining({
          IntegrationType: 'AWS_PROXY',
          PayloadFormatVersion: '2.0',
          IntegrationUri: { 'Fn::GetAtt': [logicalIdOf(fn(functionName)), 'Arn'] },
        }),
      );
    });

    it('has exactly the routes of infra/routes.ts and nothing else', () => {
      const keys = resourcesOf(regional, 'AWS::ApiGatewayV2::Route').map(([, route]) => route.Properties.RouteKey as string);
      expect(keys.sort()).toEqual(ROUTES.map((route) => `ANY ${route.path}`).sort());
    });

    it('logs access on the $default stage (no IP, no user agent) and throttles the default route', () => {
      regional.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
        StageName: '$default',
        AutoDeploy: true,
        DefaultRouteSettings: Match.objectLike({ ThrottlingRateLimit: settings.throttling.rateLimit, ThrottlingBurstLimit: settings.throttling.burstLimit }),
        AccessLogSettings: {
          DestinationArn: { 'Fn::GetAtt': [logicalIdOf(stacks.regional.edgeprint.api.accessLogs), 'Arn'] },
          Format: Match.stringLikeRegexp('\\$context\\.requestId'),
        },
      });
      const format = resourcesOf(regional, 'AWS::ApiGatewayV2::Stage')[0]?.[1].Properties.AccessLogSettings.Format as string;
      expect(format).not.toMatch(/sourceIp|userAgent/);
    });
  });

  describe('table', () => {
    it('has the keys, index and TTL of TABLE_SCHEMA, on demand, with PITR and deletion protection, retained', () => {
      const { partitionKey, sortKey, ttlAttribute, gsi1 } = TABLE_SCHEMA;
      regional.hasResource('AWS::DynamoDB::Table', {
        DeletionPolicy: 'Retain',
        Properties: Match.objectLike({
          BillingMode: 'PAY_PER_REQUEST',
          KeySchema: [
            { AttributeName: partitionKey, KeyType: 'HASH' },
            { AttributeName: sortKey, KeyType: 'RANGE' },
          ],
          GlobalSecondaryIndexes: [
            Match.objectLike({
              IndexName: gsi1.name,
              KeySchema: [
                { AttributeName: gsi1.partitionKey, KeyType: 'HASH' },
                { AttributeName: gsi1.sortKey, KeyType: 'RANGE' },
              ],
              Projection: { ProjectionType: 'ALL' },
            }),
          ],
          TimeToLiveSpecification: { AttributeName: ttlAttribute, Enabled: true },
          PointInTimeRecoverySpecification: Match.objectLike({ PointInTimeRecoveryEnabled: true }),
          DeletionProtectionEnabled: true,
        }),
      });
    });
  });

  describe('event queue', () => {
    const queueId = () => logicalIdOf(stacks.regional.edgeprint.events.queue);
    const dlqId = () => logicalIdOf(stacks.regional.edgeprint.events.deadLetterQueue);

    it('redrives to the dead-letter queue after at least 5 receives; the DLQ keeps messages longer', () => {
      const queue = regional.toJSON().Resources[queueId()].Properties;
      const dlq = regional.toJSON().Resources[dlqId()].Properties;
      expect(queue.RedrivePolicy.deadLetterTargetArn).toEqual({ 'Fn::GetAtt': [dlqId(), 'Arn'] });
      expect(queue.RedrivePolicy.maxReceiveCount).toBeGreaterThanOrEqual(5);
      expect(dlq.MessageRetentionPeriod).toBe(14 * 24 * 3600);
      expect(dlq.MessageRetentionPeriod).toBeGreaterThan(queue.MessageRetentionPeriod);
      for (const properties of [queue, dlq]) expect(properties.SqsManagedSseEnabled).toBe(true);
    });

    it('has a visibility timeout of at least 6x the forwarder timeout', () => {
      const queue = regional.toJSON().Resources[queueId()].Properties;
      const timeout = regional.toJSON().Resources[logicalIdOf(forwarder())].Properties.Timeout as number;
      expect(queue.VisibilityTimeout).toBeGreaterThanOrEqual(6 * timeout);
    });

    it.each([
      ['queue', queueId],
      ['dead-letter queue', dlqId],
    ] as const)('denies every non-TLS request on the %s', (_name, id) => {
      regional.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: id() }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Deny',
              Action: 'sqs:*',
              Principal: { AWS: '*' },
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            }),
          ]),
        },
      });
    });

    it('gives the forwarder its delivery ledger (Powertools idempotency layout), the DLQ, the providers and the attempt limit', () => {
      const events = stacks.regional.edgeprint.events;
      regional.hasResourceProperties('AWS::DynamoDB::Table', {
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
        TimeToLiveSpecification: { AttributeName: 'expiration', Enabled: true },
      });
      const queue = regional.toJSON().Resources[queueId()].Properties;
      const variables = regional.toJSON().Resources[logicalIdOf(forwarder())].Properties.Environment.Variables;
      expect(variables).toEqual(
        expect.objectContaining({
          EDGEPRINT_IDEMPOTENCY_TABLE: { Ref: logicalIdOf(events.deliveryLedger) },
          EDGEPRINT_DLQ_URL: { Ref: dlqId() },
          EDGEPRINT_PROVIDERS: JSON.stringify(settings.forwarding.providers),
          EDGEPRINT_PROVIDER_SECRETS_ARN: PROVIDER_SECRETS,
          EDGEPRINT_MAX_ATTEMPTS: String(queue.RedrivePolicy.maxReceiveCount),
        }),
      );
    });

    it('is fed only by the table stream, through a pipe filtered to created event items', () => {
      regional.hasResourceProperties('AWS::DynamoDB::Table', { StreamSpecification: { StreamViewType: 'NEW_IMAGE' } });
      const pipe = Object.values(regional.findResources('AWS::Pipes::Pipe'))[0] as { Properties: Record<string, any> };
      expect(pipe.Properties.Target).toEqual({ 'Fn::GetAtt': [queueId(), 'Arn'] });
      const stream = pipe.Properties.SourceParameters.DynamoDBStreamParameters;
      expect(stream).toEqual(expect.objectContaining({ StartingPosition: 'TRIM_HORIZON', DeadLetterConfig: expect.objectContaining({ Arn: expect.anything() }) }));
      const pattern = JSON.parse(pipe.Properties.SourceParameters.FilterCriteria.Filters[0].Pattern);
      expect(pattern).toEqual({ eventName: ['INSERT'], dynamodb: { NewImage: { type: { S: ['session', 'request_fingerprint', 'browser_event', 'activity'] } } } });
    });

    it('is drained by the forwarder with partial batch responses', () => {
      regional.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        EventSourceArn: { 'Fn::GetAtt': [queueId(), 'Arn'] },
        FunctionName: { Ref: logicalIdOf(forwarder()) },
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        BatchSize: FORWARDER_BATCH.batchSize,
        MaximumBatchingWindowInSeconds: FORWARDER_BATCH.maxBatchingWindowSeconds,
      });
    });

    it('batches within what Lambda allows for a standard queue (10,000 messages, a 300 s window)', () => {
      const mapping = Object.values(regional.findResources('AWS::Lambda::EventSourceMapping', { Properties: { EventSourceArn: { 'Fn::GetAtt': [queueId(), 'Arn'] } } }))[0]!.Properties;
      expect(mapping.BatchSize).toBeLessThanOrEqual(10_000);
      expect(mapping.MaximumBatchingWindowInSeconds).toBeGreaterThanOrEqual(1);
      expect(mapping.MaximumBatchingWindowInSeconds).toBeLessThanOrEqual(300);
    });
  });

  describe('regional functions', () => {
    const all = () => [...Object.values(stacks.regional.edgeprint.functions), forwarder(), stacks.regional.edgeprint.edgeRecording!.ingest];

    it('run the latest Node.js on arm64 with 256 MB and X-Ray, each from its own bundle (no layer), source maps off at run time by default', () => {
      for (const handler of all()) {
        const properties = regional.toJSON().Resources[logicalIdOf(handler)].Properties;
        expect({ name: handler.entryName, ...properties }).toEqual(
          expect.objectContaining({
            name: handler.entryName,
            Runtime: 'nodejs24.x',
            Architectures: ['arm64'],
            MemorySize: 256,
            TracingConfig: { Mode: 'Active' },
          }),
        );
        expect(properties.Environment.Variables.NODE_OPTIONS).toBeUndefined();
      }
    });

    it('write to an explicit log group with the configured retention', () => {
      for (const handler of all()) {
        const logGroupId = logicalIdOf(handler.logGroup);
        regional.hasResourceProperties('AWS::Lambda::Function', {
          Handler: 'index.handler',
          LoggingConfig: { LogGroup: { Ref: logGroupId } },
          Role: { 'Fn::GetAtt': [logicalIdOf(handler.role!), 'Arn'] },
        });
        expect(regional.toJSON().Resources[logGroupId]).toEqual(
          expect.objectContaining({ Type: 'AWS::Logs::LogGroup', Properties: { RetentionInDays: settings.logRetentionDays } }),
        );
      }
      // Every log group of the stack has a retention, the API access logs included.
      for (const [, logGroup] of resourcesOf(regional, 'AWS::Logs::LogGroup')) {
        expect(logGroup.Properties.RetentionInDays).toBe(settings.logRetentionDays);
      }
    });

    it('get the runtime configuration, and the secret ARN (never the secret itself) only where the code hashes or signs', () => {
      const secretRef = { Ref: logicalIdOf(stacks.regional.edgeprint.secret) };
      const needsSecret = ['collect', 'redirect', 'activity', 'dashboard', 'dashboard-files'];
      for (const handler of Object.values(stacks.regional.edgeprint.functions)) {
        const variables = regional.toJSON().Resources[logicalIdOf(handler)].Properties.Environment.Variables;
        expect(variables).toEqual(
          expect.objectContaining({
            EDGEPRINT_TABLE: { Ref: logicalIdOf(stacks.regional.edgeprint.table.table) },
            EDGEPRINT_ALLOWED_ORIGINS: 'https://shop.example',
            EDGEPRINT_REDIRECT_HOSTS: 'shop.example',
            EDGEPRINT_IP_MODE: settings.ipMode,
            EDGEPRINT_TRUST_CLOUDFRONT_VIEWER_ADDRESS: 'true',
          }),
        );
        expect(variables).not.toHaveProperty('EDGEPRINT_SECRET');
        expect({ name: handler.entryName, secret: variables.EDGEPRINT_SECRET_ARN }).toEqual({
          name: handler.entryName,
          secret: needsSecret.includes(handler.entryName) ? secretRef : undefined,
        });
      }
    });

    it('grant reading the fingerprint secret only to the functions that hash or sign', () => {
      const secretRef = JSON.stringify({ Ref: logicalIdOf(stacks.regional.edgeprint.secret) });
      const readers = Object.values(stacks.regional.edgeprint.functions)
        .filter((handler) =>
          statementsOf(regional, logicalIdOf(handler.role!)).some(
            (statement) => actionsOf(statement).includes('secretsmanager:GetSecretValue') && resourcesOfStatement(statement).some((resource) => JSON.stringify(resource) === secretRef),
          ),
        )
        .map((handler) => handler.entryName);
      expect(readers.sort()).toEqual(['activity', 'collect', 'dashboard', 'dashboard-files', 'redirect']);
    });

    it('pass the queue URL to no route function: events reach the queue through the table stream', () => {
      const variables = (name: Parameters<typeof fn>[0]) => regional.toJSON().Resources[logicalIdOf(fn(name))].Properties.Environment.Variables;
      for (const name of ['collect', 'redirect', 'activity', 'hits', 'snippet'] as const) expect(variables(name)).not.toHaveProperty('EDGEPRINT_QUEUE_URL');
    });
  });

  describe('least privilege', () => {
    const tableArn = () => ({ 'Fn::GetAtt': [logicalIdOf(stacks.regional.edgeprint.table.table), 'Arn'] });
    const queueArn = () => ({ 'Fn::GetAtt': [logicalIdOf(stacks.regional.edgeprint.events.queue), 'Arn'] });
    const dlqArn = () => ({ 'Fn::GetAtt': [logicalIdOf(stacks.regional.edgeprint.events.deadLetterQueue), 'Arn'] });
    const statementsFor = (handler: ReturnType<typeof fn>) => statementsOf(regional, logicalIdOf(handler.role!));

    it('scopes every DynamoDB, SQS and Secrets Manager statement to the table, queue and secret ARNs', () => {
      const statements = resourcesOf(regional, 'AWS::IAM::Policy').flatMap(([, policy]) => policy.Properties.PolicyDocument.Statement as Array<Record<string, any>>);
      const scoped = statements.filter((statement) => actionsOf(statement).some((action) => /^(dynamodb|sqs|secretsmanager):/.test(action)));
      expect(scoped.length).toBeGreaterThan(0);
      const allowed = [
        JSON.stringify(tableArn()),
        JSON.stringify({ 'Fn::Join': ['', [tableArn(), `/index/${TABLE_SCHEMA.gsi1.name}`]] }),
        JSON.stringify({ 'Fn::GetAtt': [logicalIdOf(stacks.regional.edgeprint.events.deliveryLedger), 'Arn'] }),
        JSON.stringify(queueArn()),
        JSON.stringify(dlqArn()),
        JSON.stringify({ 'Fn::GetAtt': [logicalIdOf(stacks.regional.edgeprint.edgeRecording!.failureQueue), 'Arn'] }),
        JSON.stringify({ Ref: logicalIdOf(stacks.regional.edgeprint.secret) }),
        JSON.stringify({ Ref: logicalIdOf(stacks.regional.edgeprint.apiKeySecret) }),
        JSON.stringify(PROVIDER_SECRETS),
        JSON.stringify({ 'Fn::GetAtt': [logicalIdOf(stacks.regional.edgeprint.table.table), 'StreamArn'] }),
        JSON.stringify({ 'Fn::GetAtt': [logicalIdOf(stacks.regional.edgeprint.streamToQueue.deadLetterQueue), 'Arn'] }),
      ];
      for (const statement of scoped) {
        // ListStreams has no resource-level permissions in IAM: the pipe's role gets it on '*' and nothing else does.
        if (actionsOf(statement).join() === 'dynamodb:ListStreams') continue;
        for (const resource of resourcesOfStatement(statement)) {
          const shown = JSON.stringify(resource);
          expect({ actions: actionsOf(statement), resource: allowed.includes(shown) ? 'scoped' : shown }).toEqual({ actions: actionsOf(statement), resource: 'scoped' });
        }
        expect(actionsOf(statement).filter((action) => action.endsWith(':*') || action === '*')).toEqual([]);
      }
    });

    it('lets the hits function only read the table, and nothing else', () => {
      const actions = statementsFor(fn('hits')).flatMap(actionsOf).filter((action) => /^(dynamodb|sqs):/.test(action));
      expect(actions.sort()).toEqual([...TABLE_ACTIONS.read].sort());
    });

    it.each(['collect', 'redirect', 'activity'] as const)('lets %s write the table (never Scan) and never send to the queue (the stream does)', (name) => {
      const statements = statementsFor(fn(name));
      const dynamo = statements.filter((statement) => actionsOf(statement).some((action) => action.startsWith('dynamodb:')));
      expect(dynamo.flatMap(actionsOf).sort()).toEqual([...TABLE_ACTIONS.readWrite].sort());
      expect(dynamo.flatMap(actionsOf)).not.toContain('dynamodb:Scan');
      const sqs = statements.filter((statement) => actionsOf(statement).some((action) => action.startsWith('sqs:')));
      expect(sqs).toEqual([]);
    });

    it('gives the API key secret only to the admin routes, which only read the table unless they link or erase', () => {
      const apiKey = { Ref: logicalIdOf(stacks.regional.edgeprint.apiKeySecret) };
      const readsKey = (name: Parameters<typeof fn>[0]) =>
        statementsFor(fn(name)).some((statement) => actionsOf(statement).includes('secretsmanager:GetSecretValue') && resourcesOfStatement(statement).some((resource) => JSON.stringify(resource) === JSON.stringify(apiKey)));
      const admin = ['link', 'user-sessions', 'user-devices', 'erase-user', 'erase-session', 'stats', 'stats-realtime', 'dashboard', 'dashboard-files'] as const;
      expect(ROUTES.map((route) => route.functionName).filter((name) => readsKey(name)).sort()).toEqual([...admin].sort());
      for (const name of admin) {
        expect(regional.toJSON().Resources[logicalIdOf(fn(name))].Properties.Environment.Variables.EDGEPRINT_API_KEY_ARN).toEqual(apiKey);
      }
      for (const name of ['user-sessions', 'user-devices', 'stats', 'stats-realtime', 'dashboard-files'] as const) {
        expect(statementsFor(fn(name)).flatMap(actionsOf).filter((action) => action.startsWith('dynamodb:')).sort()).toEqual([...TABLE_ACTIONS.read].sort());
      }
      // The dashboard page itself reads no table: its data comes from dashboard-files' stats.json.
      expect(statementsFor(fn('dashboard')).flatMap(actionsOf).filter((action) => action.startsWith('dynamodb:'))).toEqual([]);
    });

    it('gives the snippet function no table, queue or secret access', () => {
      const actions = statementsFor(fn('snippet')).flatMap(actionsOf);
      expect(actions.filter((action) => /^(dynamodb|sqs|secretsmanager):/.test(action))).toEqual([]);
    });

    it('lets the forwarder consume the queue, send to the DLQ, use its ledger, keep the aggregates in the table and read the provider secret, and nothing else', () => {
      const statements = statementsFor(forwarder()).filter((statement) => actionsOf(statement).some((action) => /^(sqs|dynamodb|secretsmanager):/.test(action)));
      const grants = statements.map((statement) => ({ actions: actionsOf(statement).sort(), resource: statement.Resource }));
      expect(grants).toEqual(
        expect.arrayContaining([
          { actions: [...QUEUE_ACTIONS.consume].sort(), resource: queueArn() },
          { actions: ['sqs:SendMessage'], resource: dlqArn() },
          { actions: [...TABLE_ACTIONS.ledger].sort(), resource: { 'Fn::GetAtt': [logicalIdOf(stacks.regional.edgeprint.events.deliveryLedger), 'Arn'] } },
          { actions: ['secretsmanager:GetSecretValue'], resource: PROVIDER_SECRETS },
          { actions: [...TABLE_ACTIONS.aggregate].sort(), resource: tableArn() },
        ]),
      );
      expect(grants).toHaveLength(5);
    });

    it('attaches no AWS managed policy to any function role (only CDK\'s own custom-resource provider has one)', () => {
      for (const template of [regional, edge, edgeLambda]) {
        for (const [id, role] of resourcesOf(template, 'AWS::IAM::Role')) {
          if (id.startsWith('CustomCrossRegionStringParameterReader')) continue;
          expect({ id, managed: role.Properties.ManagedPolicyArns }).toEqual({ id, managed: undefined });
        }
      }
      // Route functions, forwarder, edge ingest, the stream-to-queue pipe, and the role CloudFront assumes for the real-time logs.
      expect(resourcesOf(regional, 'AWS::IAM::Role').length).toBe(Object.keys(stacks.regional.edgeprint.functions).length + 4);
    });
  });

  describe('edge', () => {
    const distribution = () => resourcesOf(edge, 'AWS::CloudFront::Distribution')[0]?.[1].Properties.DistributionConfig;

    it('deploys the Lambda@Edge function in us-east-1, x86_64, with no environment', () => {
      expect(edgeLambdaStack.region).toBe('us-east-1');
      const id = logicalIdOf(stacks.edge!.distribution.viewerRequest.lambda);
      const properties = edgeLambda.toJSON().Resources[id].Properties;
      expect(properties).toEqual(expect.objectContaining({ Runtime: 'nodejs22.x', Handler: 'index.handler', MemorySize: 128, Timeout: 5 }));
      expect(properties.Architectures ?? ['x86_64']).toEqual(['x86_64']);
      expect(properties.Environment).toBeUndefined();
      expect(properties.Layers).toBeUndefined();
    });

    it('keeps every Lambda@Edge restriction for a viewer trigger: runtime, architecture, memory, timeout, no environment, layers, tracing, VPC or DLQ, package size', () => {
      const properties = edgeLambda.toJSON().Resources[logicalIdOf(stacks.edge!.distribution.viewerRequest.lambda)].Properties;
      const bundle = dirname(stacks.edge!.distribution.edgeBundlePath);
      expect(lambdaEdgeProblems(properties, 'viewer', zippedSize(bundle))).toEqual([]);
      // The synth-time validation runs the same check on the construct.
      expect(stacks.edge!.distribution.node.validate()).toEqual([]);
    });

    it('runs it on viewer-request of the default behaviour, in front of the site origin over HTTPS', () => {
      const config = distribution();
      expect(config.DefaultCacheBehavior.LambdaFunctionAssociations).toEqual([
        expect.objectContaining({ EventType: 'viewer-request', LambdaFunctionARN: expect.anything() }),
      ]);
      const site = (config.Origins as Array<Record<string, any>>).find((origin) => origin.DomainName === settings.siteOrigin);
      expect(site?.CustomOriginConfig).toEqual(expect.objectContaining({ OriginProtocolPolicy: 'https-only', OriginSSLProtocols: ['TLSv1.2'] }));
      expect(config.DefaultCacheBehavior.TargetOriginId).toBe(site?.Id);
      expect(config.DefaultCacheBehavior.ViewerProtocolPolicy).toBe('redirect-to-https');
    });

    it('serves the API first-party under the prefix: HTTPS only, all methods, not cached, viewer headers and cookies forwarded, prefix stripped', () => {
      const config = distribution();
      const behaviour = (config.CacheBehaviors as Array<Record<string, any>>).find((candidate) => candidate.PathPattern === `${settings.apiPathPrefix}/*`);
      expect(behaviour).toEqual(
        expect.objectContaining({
          ViewerProtocolPolicy: 'https-only',
          AllowedMethods: expect.arrayContaining(['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'POST', 'DELETE']),
          CachePolicyId: '4135ea2d-6df8-44a3-9df3-4b5a84be39ad', // Managed-CachingDisabled
          OriginRequestPolicyId: 'b689b0a8-53d0-40ab-baf2-68738e2966ac', // Managed-AllViewerExceptHostHeader
          FunctionAssociations: [expect.objectContaining({ EventType: 'viewer-request' })],
        }),
      );
      const api = (config.Origins as Array<Record<string, any>>).find((origin) => origin.Id === behaviour?.TargetOriginId);
      const names = handoffParameterNames(stacks.regional.stackName);
      expect(api?.DomainName).toEqual({ Ref: ssmParameterOf(edge, names.apiDomainName) });
      const [, parameter] = resourcesOf(regional, 'AWS::SSM::Parameter').find(([, resource]) => resource.Properties.Name === names.apiDomainName)!;
      expect(JSON.stringify(parameter.Properties.Value)).toContain('execute-api');
      expect(api?.CustomOriginConfig.OriginProtocolPolicy).toBe('https-only');
    });

    it('is linked to the regional stack by SSM parameters only: no export, no import, so either stack can be updated, replaced or removed alone', () => {
      for (const stack of [stacks.regional, stacks.edge!]) {
        const template = JSON.stringify(Template.fromStack(stack).toJSON());
        expect({ stack: stack.stackName, imports: template.includes('Fn::ImportValue') }).toEqual({ stack: stack.stackName, imports: false });
        const outputs = Object.values((Template.fromStack(stack).toJSON().Outputs ?? {}) as Record<string, { Export?: unknown }>);
        expect({ stack: stack.stackName, exports: outputs.filter((output) => output.Export !== undefined).length }).toEqual({ stack: stack.stackName, exports: 0 });
      }
      // Deploy order only: the edge stack comes after the regional one.
      expect(stacks.edge!.dependencies).toContain(stacks.regional);
    });

    it('keeps access logs in a private, TLS-only bucket that expires them', () => {
      expect(distribution().Logging).toEqual(expect.objectContaining({ Bucket: expect.anything() }));
      edge.hasResourceProperties('AWS::S3::Bucket', {
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        LifecycleConfiguration: { Rules: [Match.objectLike({ ExpirationInDays: settings.logRetentionDays, Status: 'Enabled' })] },
      });
    });

    it('gives the edge function a log group with retention in us-east-1', () => {
      const name = stacks.edge!.distribution.viewerRequest.lambda.functionName;
      const logGroups = resourcesOf(edgeLambda, 'AWS::Logs::LogGroup');
      expect(logGroups.map(([, group]) => group.Properties)).toEqual([
        {
          LogGroupName: { 'Fn::Join': ['', ['/aws/lambda/us-east-1.', edgeLambdaStack.resolve(name)]] },
          RetentionInDays: settings.logRetentionDays,
        },
      ]);
    });

    type EdgeHandler = (event: CloudFrontRequestEvent) => Promise<CloudFrontRequest>;
    const builtEdgeHandler = () => (require(stacks.edge!.distribution.edgeBundlePath) as { handler: EdgeHandler }).handler;

    it('bakes the edge configuration into the built function: it stamps the fingerprint keyed with the given secret', async () => {
      const result = await builtEdgeHandler()(viewerRequestFixture('chrome-navigation'));
      const expected = fingerprintViewerRequest(requestOf(viewerRequestFixture('chrome-navigation')), parseEdgeConfig({ ...edgeRules(settings), secret: EDGE_SECRET }), new Date());
      if (expected.kind !== 'stamped') throw new Error('the fixture should be stamped');
      expect(headerValue(result.headers, EDGE_HEADERS.fingerprint)).toBe(expected.stamp.fingerprint);
      expect(headerValue(result.headers, EDGE_HEADERS.session)).toBe('AbCdEfGhIjKlMnOpQrStUv');
    });

    it('builds it with the deployment\'s rules: the API prefix and the configured exclusions pass through unstamped and stripped', async () => {
      const handler = builtEdgeHandler();
      for (const name of ['api-collect', 'admin']) {
        expect({ name, stamped: edgeprintHeaderNames((await handler(viewerRequestFixture(name))).headers) }).toEqual({ name, stamped: [] });
      }
    });

    it('keeps the edge secret out of every template and manifest, and does not warn about a missing one', () => {
      const assembly = app.synth();
      for (const stack of assembly.stacks) {
        expect({ stack: stack.stackName, leaks: JSON.stringify(stack.template).includes(EDGE_SECRET) }).toEqual({ stack: stack.stackName, leaks: false });
      }
      expect(readFileSync(join(assembly.directory, 'manifest.json'), 'utf8')).not.toContain(EDGE_SECRET);
      expect(readFileSync(stacks.edge!.distribution.edgeBundlePath, 'utf8')).toContain(EDGE_SECRET);
      Annotations.fromStack(stacks.edge!).hasNoWarning('*', EDGE_UNCONFIGURED_WARNING);
    });
  });

  describe('operations', () => {
    const topicRef = () => ({ Ref: logicalIdOf(stacks.regional.edgeprint.monitoring.topic) });
    /** An alarm's properties with its single metric's name, namespace, dimensions and statistic on top (CDK nests them under Metrics when labelled). */
    const alarms = (template: Template) =>
      resourcesOf(template, 'AWS::CloudWatch::Alarm').map(([, alarm]) => {
        const properties = alarm.Properties as Record<string, any>;
        const metrics = properties.Metrics as Array<Record<string, any>> | undefined;
        const stat = metrics?.length === 1 ? metrics[0]!.MetricStat : undefined;
        return stat === undefined
          ? properties
          : { ...properties, MetricName: stat.Metric.MetricName, Namespace: stat.Metric.Namespace, Dimensions: stat.Metric.Dimensions, Statistic: stat.Stat };
      });
    /** The alarms on one metric of one resource (by its dimension value). */
    const alarmsOn = (template: Template, metricName: string, dimension: unknown) =>
      alarms(template).filter(
        (alarm) => alarm.MetricName === metricName && (alarm.Dimensions as Array<{ Value: unknown }> | undefined)?.some((entry) => JSON.stringify(entry.Value) === JSON.stringify(dimension)),
      );

    it('mails every alarm state change to the configured address through one topic', () => {
      regional.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@shop.example', TopicArn: topicRef() });
      expect(alarms(regional).length).toBeGreaterThan(0);
      for (const alarm of alarms(regional)) {
        expect({ alarm: alarm.AlarmDescription, actions: alarm.AlarmActions, ok: alarm.OKActions }).toEqual({ alarm: alarm.AlarmDescription, actions: [topicRef()], ok: [topicRef()] });
        expect(alarm.TreatMissingData).toBe('notBreaching');
      }
    });

    it('alarms on any message in each dead-letter queue, and on the age of the event queue\'s oldest message', () => {
      for (const queue of [stacks.regional.edgeprint.events.deadLetterQueue, stacks.regional.edgeprint.edgeRecording!.failureQueue]) {
        const found = alarmsOn(regional, 'ApproximateNumberOfMessagesVisible', { 'Fn::GetAtt': [logicalIdOf(queue), 'QueueName'] });
        expect(found).toEqual([expect.objectContaining({ Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', Statistic: 'Maximum' })]);
      }
      const age = alarmsOn(regional, 'ApproximateAgeOfOldestMessage', { 'Fn::GetAtt': [logicalIdOf(stacks.regional.edgeprint.events.queue), 'QueueName'] });
      expect(age).toEqual([expect.objectContaining({ Threshold: ALARM_THRESHOLDS.oldestMessageAge.toSeconds() })]);
    });

    it('alarms on errors and throttles of every regional function', () => {
      const all = [...Object.values(stacks.regional.edgeprint.functions), forwarder(), stacks.regional.edgeprint.edgeRecording!.ingest];
      for (const handler of all) {
        const ref = { Ref: logicalIdOf(handler) };
        expect({ name: handler.entryName, errors: alarmsOn(regional, 'Errors', ref).length, throttles: alarmsOn(regional, 'Throttles', ref).length }).toEqual({
          name: handler.entryName,
          errors: 1,
          throttles: 1,
        });
      }
    });

    it('alarms on the HTTP API 5xx rate, DynamoDB throttles of both tables and the edge ingest iterator age', () => {
      const rate = alarms(regional).find((alarm) => JSON.stringify(alarm.Metrics ?? []).includes('5xx'));
      expect(rate).toEqual(expect.objectContaining({ Threshold: ALARM_THRESHOLDS.httpApi5xxPercent }));
      expect(JSON.stringify(rate?.Metrics)).toContain('100 * errors / requests');
      for (const table of [stacks.regional.edgeprint.table.table, stacks.regional.edgeprint.events.deliveryLedger]) {
        const throttles = alarms(regional).filter((alarm) => {
          const metrics = JSON.stringify(alarm.Metrics ?? []);
          return metrics.includes('ThrottledRequests') && metrics.includes(JSON.stringify({ Ref: logicalIdOf(table) }));
        });
        expect(throttles).toHaveLength(1);
      }
      const iterator = alarmsOn(regional, 'IteratorAge', { Ref: logicalIdOf(stacks.regional.edgeprint.edgeRecording!.ingest) });
      expect(iterator).toEqual([expect.objectContaining({ Threshold: ALARM_THRESHOLDS.iteratorAge.toMilliseconds(), Statistic: 'Maximum' })]);
    });

    it('alarms on the Lambda@Edge configuration error line in the function\'s home region, through a topic of that region', () => {
      edgeLambda.hasResourceProperties('AWS::Logs::MetricFilter', {
        LogGroupName: { Ref: logicalIdOf(stacks.edge!.distribution.viewerRequestLogGroup) },
        FilterPattern: `"${EDGE_CONFIGURATION_ERROR_PATTERN}"`,
        MetricTransformations: [Match.objectLike({ MetricNamespace: METRIC_NAMESPACE, MetricName: 'EdgeConfigurationErrors' })],
      });
      const [alarm] = alarms(edgeLambda).filter((candidate) => candidate.MetricName === 'EdgeConfigurationErrors');
      expect(alarm).toEqual(expect.objectContaining({ Namespace: METRIC_NAMESPACE, Threshold: 1 }));
      const topics = resourcesOf(edgeLambda, 'AWS::SNS::Topic').map(([id]) => id);
      expect(topics).toHaveLength(1);
      expect(alarm?.AlarmActions).toEqual([{ Ref: topics[0] }]);
      edgeLambda.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@shop.example' });
    });

    it('has one dashboard with the alarms\' metrics and edgeprint\'s own metrics', () => {
      const dashboards = resourcesOf(regional, 'AWS::CloudWatch::Dashboard');
      expect(dashboards).toHaveLength(1);
      const body = JSON.stringify(dashboards[0]![1].Properties.DashboardBody);
      for (const name of [...Object.values(METRIC_NAMES), 'ApproximateNumberOfMessagesVisible', 'ApproximateAgeOfOldestMessage', 'IteratorAge', 'Throttles', 'Errors', 'ThrottledRequests']) {
        expect({ name, shown: body.includes(name) }).toEqual({ name, shown: true });
      }
    });
  });

  describe('edge recording', () => {
    const recording = () => stacks.regional.edgeprint.edgeRecording!;

    it('logs every request of the site behaviour (and not the API\'s) with exactly the fields the ingest parses', () => {
      const logConfigId = logicalIdOf(recording().realtimeLogConfig);
      regional.hasResourceProperties('AWS::CloudFront::RealtimeLogConfig', { Fields: [...REALTIME_LOG_FIELDS], SamplingRate: 100 });
      const names = handoffParameterNames(stacks.regional.stackName);
      regional.hasResourceProperties('AWS::SSM::Parameter', { Name: names.realtimeLogConfigArn, Type: 'String', Value: { 'Fn::GetAtt': [logConfigId, 'Arn'] } });
      const config = resourcesOf(edge, 'AWS::CloudFront::Distribution')[0]?.[1].Properties.DistributionConfig;
      expect(config.DefaultCacheBehavior.RealtimeLogConfigArn).toEqual({ Ref: ssmParameterOf(edge, names.realtimeLogConfigArn) });
      expect((config.CacheBehaviors as Array<Record<string, unknown>>).map((behaviour) => behaviour.RealtimeLogConfigArn)).toEqual([undefined]);
    });

    it('puts the stream, its key and the ingest in the table\'s region, the stream encrypted with the key', () => {
      expect(stacks.regional.region).toBe(settings.region);
      regional.hasResourceProperties('AWS::Kinesis::Stream', {
        RetentionPeriodHours: 24,
        StreamEncryption: { EncryptionType: 'KMS', KeyId: { 'Fn::GetAtt': [logicalIdOf(recording().key), 'Arn'] } },
      });
    });

    it('gives the ingest the rules the edge function is built with, and the regional table and secret (no queue: the stream feeds it)', () => {
      const variables = regional.toJSON().Resources[logicalIdOf(recording().ingest)].Properties.Environment.Variables;
      expect(edgeRulesFromEnvironment({ EDGEPRINT_EDGE_RULES: variables.EDGEPRINT_EDGE_RULES })).toEqual(edgeRules(settings));
      expect(variables).toEqual(
        expect.objectContaining({
          EDGEPRINT_TABLE: { Ref: logicalIdOf(stacks.regional.edgeprint.table.table) },
          EDGEPRINT_SECRET_ARN: { Ref: logicalIdOf(stacks.regional.edgeprint.secret) },
          EDGEPRINT_TRUST_CLOUDFRONT_VIEWER_ADDRESS: 'true',
        }),
      );
    });

    it('reads the stream with partial batch responses, bisecting, bounded retries and an on-failure queue', () => {
      regional.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        EventSourceArn: { 'Fn::GetAtt': [logicalIdOf(recording().stream), 'Arn'] },
        FunctionName: { Ref: logicalIdOf(recording().ingest) },
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        BisectBatchOnFunctionError: true,
        MaximumRetryAttempts: 5,
        DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [logicalIdOf(recording().failureQueue), 'Arn'] } } },
      });
    });
  });

  describe('cdk-nag', () => {
    it('has no unacknowledged AwsSolutions finding in any stack', () => {
      expect(unacknowledgedNagFindings(app)).toEqual([]);
    });

    it('gives every acknowledgement a plain rule id and a specific reason', () => {
      const acknowledged = acknowledgements(app);
      expect(acknowledged.length).toBeGreaterThan(0);
      for (const entry of acknowledged) {
        expect(entry.id).toMatch(/^AwsSolutions-[A-Z]+\d+(\[.+\])?$/);
        expect(entry.reason.length).toBeGreaterThan(40);
      }
    });
  });

  describe('bundles', () => {
    let bundles: BundleInfo[];
    beforeAll(() => {
      bundles = bundleReport(app);
    });

    it('builds one bundle per route function, the forwarder, the edge ingest and the edge function', () => {
      expect(bundles.map((bundle) => bundle.name).sort()).toEqual(
        [...ROUTES.map((route) => route.functionName), 'forwarder', 'edge-ingest', 'edge'].sort(),
      );
    });

    it('keeps every regional function under 1 MiB and the edge function under 50 KiB (minified index.js)', () => {
      const over = bundles
        .filter((bundle) => bundle.bytes >= BUNDLE_BUDGETS[bundle.kind])
        .map((bundle) => `${bundle.name}: ${bundle.bytes} bytes`);
      expect(over).toEqual([]);
    });

    /** The source files a bundle was built from, read from its source map (as deployed). */
    const sourcesOf = (bundle: BundleInfo): string[] => (JSON.parse(readFileSync(`${bundle.file}.map`, 'utf8')) as { sources: string[] }).sources;
    const HTTP_FUNCTIONS = ROUTES.map((route) => route.functionName);

    it('bundles each HTTP function with only what its route reaches: no zod, forwarder, ingest or aggregation code', () => {
      const forbidden = [/node_modules\/zod\//, /forwarding\/forwarder/, /forwarding\/providers\//, /edge\/ingest/, /aggregates\/aggregate-batch/, /@aws-lambda-powertools\/(batch|idempotency)\//];
      const found = bundles
        .filter((bundle) => (HTTP_FUNCTIONS as readonly string[]).includes(bundle.name))
        .flatMap((bundle) => sourcesOf(bundle).filter((source) => forbidden.some((pattern) => pattern.test(source))).map((source) => `${bundle.name}: ${source}`));
      expect(found).toEqual([]);
    });

    it('leaves the SQS client and the user store out of /v1/hits, user-agent parsing and the credential chain out of the request paths, and every SDK client out of the snippet', () => {
      const hits = sourcesOf(bundles.find((bundle) => bundle.name === 'hits')!);
      expect(hits.filter((source) => /client-sqs|store\/users\/|auth\/bearer-token|jose/.test(source))).toEqual([]);
      // The request paths record but never parse user agents, and find credentials only in the environment.
      const requestPaths = bundles.filter((bundle) => ['collect', 'redirect', 'hits'].includes(bundle.name));
      // Only /v1/activity verifies bearer tokens: jose nowhere else.
      expect(bundles.filter((bundle) => bundle.kind === 'regional' && sourcesOf(bundle).some((source) => source.includes('node_modules/jose/'))).map((bundle) => bundle.name)).toEqual(['activity']);
      expect(requestPaths.flatMap((bundle) => sourcesOf(bundle).filter((source) => /ua-parser-js|credential-provider-(node|ini|sso|process|web-identity)/.test(source)).map((source) => `${bundle.name}: ${source}`))).toEqual([]);
      const snippet = sourcesOf(bundles.find((bundle) => bundle.name === 'snippet')!);
      expect(snippet.filter((source) => /client-dynamodb|client-sqs|lib-dynamodb/.test(source))).toEqual([]);
      // A positive control: the same reading of the source map finds the DynamoDB client where it belongs.
      expect(sourcesOf(bundles.find((bundle) => bundle.name === 'collect')!).some((source) => source.includes('client-dynamodb'))).toBe(true);
    });

    it('bundles the AWS SDK into each function rather than loading the runtime copy', () => {
      for (const bundle of bundles.filter((candidate) => candidate.name === 'collect' || candidate.name === 'forwarder')) {
        // (`@aws-sdk/signature-v4-crt` stays an optional require inside a try: the SDK's own fallback, never installed.)
        expect({ name: bundle.name, requiresSdk: /require\("@aws-sdk\/(client-|lib-|core)/.test(readFileSync(bundle.file, 'utf8')) }).toEqual({ name: bundle.name, requiresSdk: false });
      }
    });

    it('ships the built dashboard next to the dashboard-files handler', () => {
      const files = bundles.find((bundle) => bundle.name === 'dashboard-files');
      expect(readFileSync(join(files!.directory, 'app.js'), 'utf8')).toContain('stats.json');
      expect(readFileSync(join(files!.directory, 'app.css'), 'utf8')).toContain('.u-legend');
    });

    it('ships the built snippet next to the snippet handler', () => {
      const snippet = bundles.find((bundle) => bundle.name === 'snippet');
      const script = readFileSync(join(snippet!.directory, 'snippet.js'), 'utf8');
      expect(script.length).toBeGreaterThan(1000);
      expect(script).toContain('edgeprint');
    });
  });
});
