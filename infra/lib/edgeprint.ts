import { Duration, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import type * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import type { ICommandHooks } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { ROUTES, type FunctionName } from '../routes';
import { resolveSettings, type EdgeprintSettings, type EdgeprintSettingsInput } from './config';
import { EdgeprintDistribution } from './constructs/edgeprint-distribution';
import { EdgeprintFunction, type QUEUE_ACTIONS, type TABLE_ACTIONS } from './constructs/edgeprint-function';
import { EdgeprintHttpApi } from './constructs/edgeprint-http-api';
import { EdgeprintMonitoring, monitorEdgeFunction } from './constructs/edgeprint-monitoring';
import { EdgeprintTable } from './constructs/edgeprint-table';
import { QueueToForwarder } from './constructs/queue-to-forwarder';
import { RealtimeLogToIngest } from './constructs/realtime-log-to-ingest';
import { TableStreamToQueue } from './constructs/table-stream-to-queue';
import { edgeDefine, edgeRules } from './edge-build';
import { snippetCommandHooks } from './snippet';
import { dashboardCommandHooks } from './dashboard';

/** What each route's function may touch. A new route in infra/routes.ts must be listed here. */
interface RouteAccess {
  readonly table?: keyof typeof TABLE_ACTIONS;
  readonly queue?: keyof typeof QUEUE_ACTIONS;
  readonly commandHooks?: () => ICommandHooks;
  /**
   * Reads the fingerprint secret (EDGEPRINT_SECRET_ARN): the routes that hash a request fingerprint
   * (collect, redirect, activity) or sign the dashboard session (dashboard, dashboard-files).
   */
  readonly fingerprintSecret?: boolean;
  /** Reads the API key secret (EDGEPRINT_API_KEY_ARN): the admin and server-to-server routes. */
  readonly apiKey?: boolean;
  /** Reads the bearer-token secret (EDGEPRINT_JWT_SECRET_ARN) when one is configured. */
  readonly jwtSecret?: boolean;
}

export const ROUTE_ACCESS: Record<FunctionName, RouteAccess> = {
  collect: { table: 'readWrite', fingerprintSecret: true },
  redirect: { table: 'readWrite', fingerprintSecret: true },
  hits: { table: 'read' },
  activity: { table: 'readWrite', jwtSecret: true, fingerprintSecret: true },
  // Serves a file from its bundle; the runtime still needs the table name to start.
  snippet: { commandHooks: snippetCommandHooks },
  link: { table: 'readWrite', apiKey: true },
  'user-sessions': { table: 'read', apiKey: true },
  'user-devices': { table: 'read', apiKey: true },
  'erase-user': { table: 'readWrite', apiKey: true },
  'erase-session': { table: 'readWrite', apiKey: true },
  stats: { table: 'read', apiKey: true },
  'stats-realtime': { table: 'read', apiKey: true },
  // The page and the sign-in: the API key to check, the runtime's secret to sign the session cookie.
  dashboard: { apiKey: true, fingerprintSecret: true },
  // app.js and app.css from its bundle, and stats.json for a signed-in admin (the session cookie's MAC).
  'dashboard-files': { table: 'read', apiKey: true, fingerprintSecret: true, commandHooks: dashboardCommandHooks },
};

/**
 * The functions' runtime configuration, as `layers/core/src/config.ts` reads it
 * (docs/configuration.md). The table, queue and secret variables are added by the `bind*` calls.
 */
export function runtimeEnvironment(settings: EdgeprintSettings): Record<string, string> {
  const environment: Record<string, string> = {
    EDGEPRINT_IP_MODE: settings.ipMode,
    EDGEPRINT_GPC_MODE: settings.gpcMode,
    EDGEPRINT_COOKIE_DAYS: String(settings.cookieDays),
    EDGEPRINT_DEBOUNCE_SECONDS: String(settings.debounceSeconds),
    EDGEPRINT_HITS_MAX_AGE: String(settings.hitsMaxAgeSeconds),
    EDGEPRINT_RETENTION_DAYS: String(settings.retentionDays),
    EDGEPRINT_TRUST_CLOUDFRONT_VIEWER_ADDRESS: String(settings.trustCloudFrontViewerAddress),
  };
  if (settings.allowedOrigins.length > 0) environment.EDGEPRINT_ALLOWED_ORIGINS = settings.allowedOrigins.join(',');
  if (settings.allowedRedirectHosts.length > 0) environment.EDGEPRINT_REDIRECT_HOSTS = settings.allowedRedirectHosts.join(',');
  if (settings.privacyMode !== undefined) environment.EDGEPRINT_PRIVACY_MODE = settings.privacyMode;
  if (settings.fingerprintJa4 !== undefined) environment.EDGEPRINT_FINGERPRINT_JA4 = String(settings.fingerprintJa4);
  for (const [type, days] of Object.entries(settings.retention ?? {})) {
    if (days !== undefined) environment[`EDGEPRINT_RETENTION_${type.toUpperCase()}_DAYS`] = String(days);
  }
  if (settings.jwt?.jwksUrl !== undefined) environment.EDGEPRINT_JWT_JWKS_URL = settings.jwt.jwksUrl;
  if (settings.jwt?.issuer !== undefined) environment.EDGEPRINT_JWT_ISSUER = settings.jwt.issuer;
  if (settings.jwt?.audience !== undefined && settings.jwt.audience.length > 0) environment.EDGEPRINT_JWT_AUDIENCE = settings.jwt.audience.join(',');
  if (settings.publicOrigin !== undefined) {
    environment.EDGEPRINT_PUBLIC_ORIGIN = settings.publicOrigin;
    // The distribution strips the prefix before the API sees the path; absolute API URLs need it back.
    environment.EDGEPRINT_PUBLIC_PATH_PREFIX = settings.apiPathPrefix;
  }
  return environment;
}

export interface EdgeprintProps extends Omit<EdgeprintSettingsInput, 'region'> {
  /**
   * Also create the CloudFront distribution (with the Lambda@Edge function) in this construct's
   * stack when `siteOrigin` is set; the stack then needs an explicit region.
   * @default true
   */
  readonly createDistribution?: boolean;
  /**
   * The regional fingerprint secret's value, baked into the Lambda@Edge bundle (never into a
   * template); read it with `readEdgeSecret()`. Without it the edge function passes requests
   * through and synth warns (docs/deploy.md: deploy the regional half first, then fetch it).
   */
  readonly edgeSecret?: string;
}

const pascal = (name: string): string => name.split('-').map((part) => part.charAt(0).toUpperCase() + part.slice(1)).join('');

/**
 * The whole edgeprint service in one construct: the table, the fingerprint secret, the core layer,
 * one function per route behind the HTTP API, the table's stream piped to the event queue with its
 * forwarder, and (when
 * `siteOrigin` is set) the edge recording path (real-time log stream and ingest Lambda) and the
 * CloudFront distribution serving the API first-party.
 * Props are validated together; every problem is reported in one error.
 * @example
 * new Edgeprint(this, 'Edgeprint', { allowedOrigins: ['https://shop.example'], allowedRedirectHosts: ['shop.example'] })
 */
export class Edgeprint extends Construct {
  readonly settings: EdgeprintSettings;
  readonly table: EdgeprintTable;
  readonly secret: secretsmanager.Secret;
  /** The API key of the admin and server-to-server routes (links, user queries, erasure); read it from Secrets Manager. */
  readonly apiKeySecret: secretsmanager.Secret;
  readonly events: QueueToForwarder;
  readonly functions: Readonly<Record<FunctionName, EdgeprintFunction>>;
  /** The table's change stream to the event queue (EventBridge Pipe), filtered to created event items. */
  readonly streamToQueue: TableStreamToQueue;
  readonly api: EdgeprintHttpApi;
  readonly distribution?: EdgeprintDistribution;
  /** With `siteOrigin`: the real-time log stream and the ingest Lambda recording the edge's navigations. */
  readonly edgeRecording?: RealtimeLogToIngest;
  /** Alarms (to an SNS topic, mailed to `alarmEmail`) and the CloudWatch dashboard (docs/operations.md). */
  readonly monitoring: EdgeprintMonitoring;

  constructor(scope: Construct, id: string, props: EdgeprintProps = {}) {
    const { createDistribution = true, edgeSecret, ...input } = props;
    const region = Stack.of(scope).region;
    // Validated before anything is added to the tree (or built): one error lists every problem.
    const settings = resolveSettings({ ...input, region: Token.isUnresolved(region) ? 'us-east-1' : region });
    super(scope, id);
    this.settings = settings;
    const removalPolicy = settings.removalPolicy === 'destroy' ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN;
    const logs = { logRetentionDays: settings.logRetentionDays, logRemovalPolicy: removalPolicy };

    this.table = new EdgeprintTable(this, 'Table', { removalPolicy });
    this.secret = new secretsmanager.Secret(this, 'FingerprintSecret', {
      description: 'edgeprint: key of the request-fingerprint hash',
      generateSecretString: { passwordLength: 48, excludePunctuation: true, includeSpace: false },
      removalPolicy,
    });
    Validations.of(this.secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason: 'The fingerprint hash key must stay stable: rotating it changes every request-fingerprint id, so rotation is a deliberate manual step (docs/deploy.md).',
    });
    this.apiKeySecret = new secretsmanager.Secret(this, 'ApiKeySecret', {
      description: 'edgeprint: API key of the admin routes (session links, user queries, erasure)',
      generateSecretString: { passwordLength: 48, excludePunctuation: true, includeSpace: false },
      removalPolicy,
    });
    Validations.of(this.apiKeySecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason: 'The API key is held by the site backend calling the admin routes; rotating it is coordinated with that backend by hand (docs/privacy.md). Functions read it once per cold start.',
    });
    const jwtSecret =
      settings.jwt?.secretArn === undefined ? undefined : secretsmanager.Secret.fromSecretCompleteArn(this, 'JwtSecret', settings.jwt.secretArn);
    this.events = new QueueToForwarder(this, 'Events', {
      forwarding: settings.forwarding,
      removalPolicy,
      ...logs,
    });
    // The forwarder also keeps the dashboard's aggregates (markers and day counters) in the table.
    this.events.forwarder.bindTable(this.table.table, 'aggregate');

    const environment = runtimeEnvironment(settings);
    const functions: Partial<Record<FunctionName, EdgeprintFunction>> = {};
    for (const { functionName } of ROUTES) {
      const access = ROUTE_ACCESS[functionName];
      const fn = new EdgeprintFunction(this, pascal(functionName), {
        name: functionName,
        description: `edgeprint ${functionName}`,
        environment: { ...environment, EDGEPRINT_TABLE: this.table.table.tableName },
        commandHooks: access.commandHooks?.(),
        ...logs,
      });
      if (access.fingerprintSecret === true) fn.bindSecret(this.secret);
      if (access.apiKey === true) fn.bindSecret(this.apiKeySecret, 'EDGEPRINT_API_KEY_ARN');
      if (access.jwtSecret === true && jwtSecret !== undefined) fn.bindSecret(jwtSecret, 'EDGEPRINT_JWT_SECRET_ARN');
      if (access.table !== undefined) fn.bindTable(this.table.table, access.table, { indexNames: this.table.indexNames });
      if (access.queue !== undefined) fn.bindQueue(this.events.queue, access.queue);
      functions[functionName] = fn;
    }
    this.functions = functions as Record<FunctionName, EdgeprintFunction>;

    // Stored event items reach the queue through the table's stream only: no request calls SQS.
    this.streamToQueue = new TableStreamToQueue(this, 'StreamToQueue', { table: this.table.table, queue: this.events.queue, removalPolicy });

    this.api = new EdgeprintHttpApi(this, 'Api', {
      routes: ROUTES.map((route) => ({ path: route.path, handler: this.functions[route.functionName] })),
      throttling: settings.throttling,
      logRetentionDays: settings.logRetentionDays,
      logRemovalPolicy: removalPolicy,
    });

    if (settings.siteOrigin !== undefined) {
      this.edgeRecording = new RealtimeLogToIngest(this, 'EdgeRecording', {
        table: this.table.table,
        secret: this.secret,
        environment,
        rules: edgeRules(settings),
        shardCount: settings.edge?.streamShards,
        removalPolicy,
        ...logs,
      });
    }
    if (createDistribution && settings.siteOrigin !== undefined) {
      this.distribution = new EdgeprintDistribution(
        this,
        'Distribution',
        distributionProps(settings, this.api.domainName, { edgeSecret, realtimeLogConfig: this.edgeRecording?.realtimeLogConfig }),
      );
    }
    this.monitoring = this.monitor(settings, id);
  }

  /** Registers every queue, function, table and API with the alarms and the dashboard. */
  private monitor(settings: EdgeprintSettings, id: string): EdgeprintMonitoring {
    const monitoring = new EdgeprintMonitoring(this, 'Monitoring', { alarmEmail: settings.alarmEmail, dashboardName: `${Stack.of(this).stackName}-${id}` });
    monitoring.watchDeadLetterQueue(this.events.deadLetterQueue, 'event DLQ');
    monitoring.watchQueueAge(this.events.queue, 'event queue');
    for (const [name, fn] of Object.entries(this.functions)) monitoring.watchFunction(fn, name);
    monitoring.watchFunction(this.events.forwarder, 'forwarder');
    // Stream batches the pipe could not put on the queue after a day of retries.
    monitoring.watchDeadLetterQueue(this.streamToQueue.deadLetterQueue, 'stream-to-queue pipe DLQ');
    monitoring.watchHttpApi(this.api.api);
    monitoring.watchTable(this.table.table, 'table');
    monitoring.watchTable(this.events.deliveryLedger, 'delivery ledger');
    if (this.edgeRecording !== undefined) {
      monitoring.watchDeadLetterQueue(this.edgeRecording.failureQueue, 'edge ingest failure queue');
      monitoring.watchFunction(this.edgeRecording.ingest, 'edge-ingest');
      monitoring.watchStreamConsumer(this.edgeRecording.ingest, 'edge ingest');
    }
    if (this.distribution !== undefined) monitorEdgeFunction(this.distribution, { alarmEmail: settings.alarmEmail, monitoring });
    monitoring.addBusinessMetrics();
    return monitoring;
  }

  /** The API's base URL (`https://<id>.execute-api.<region>.amazonaws.com`). */
  get apiUrl(): string {
    return this.api.api.apiEndpoint;
  }
}

/** The distribution's props from the settings (which must have a `siteOrigin`), the edge secret and the recording path's log configuration. */
export function distributionProps(
  settings: EdgeprintSettings,
  apiDomainName: string,
  edge: { edgeSecret?: string; realtimeLogConfig?: cloudfront.IRealtimeLogConfig } = {},
) {
  if (settings.siteOrigin === undefined) throw new Error('the distribution needs siteOrigin');
  return {
    edgeDefine: edgeDefine(settings, edge.edgeSecret),
    realtimeLogConfig: edge.realtimeLogConfig,
    apiDomainName,
    siteOrigin: settings.siteOrigin,
    apiPathPrefix: settings.apiPathPrefix,
    domainNames: settings.domainNames,
    certificateArn: settings.certificateArn,
    webAclArn: settings.webAclArn,
    accessLogs: settings.cloudFrontAccessLogs,
    logRetentionDays: settings.logRetentionDays,
    removalPolicy: settings.removalPolicy === 'destroy' ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
  };
}
