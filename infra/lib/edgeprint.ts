import { Duration, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type { ICommandHooks } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { ROUTES, type FunctionName } from '../routes';
import { resolveSettings, type EdgeprintSettings, type EdgeprintSettingsInput } from './config';
import { CoreLayer } from './constructs/core-layer';
import { EdgeprintDistribution } from './constructs/edgeprint-distribution';
import { EdgeprintFunction, type QUEUE_ACTIONS, type TABLE_ACTIONS } from './constructs/edgeprint-function';
import { EdgeprintHttpApi } from './constructs/edgeprint-http-api';
import { EdgeprintTable } from './constructs/edgeprint-table';
import { QueueToForwarder } from './constructs/queue-to-forwarder';
import { snippetCommandHooks } from './snippet';

/** What each route's function may touch. A new route in infra/routes.ts must be listed here. */
interface RouteAccess {
  readonly table?: keyof typeof TABLE_ACTIONS;
  readonly queue?: keyof typeof QUEUE_ACTIONS;
  readonly commandHooks?: () => ICommandHooks;
  /** Reads the API key secret (EDGEPRINT_API_KEY_ARN): the admin and server-to-server routes. */
  readonly apiKey?: boolean;
  /** Reads the bearer-token secret (EDGEPRINT_JWT_SECRET_ARN) when one is configured. */
  readonly jwtSecret?: boolean;
}

export const ROUTE_ACCESS: Record<FunctionName, RouteAccess> = {
  collect: { table: 'readWrite', queue: 'send' },
  redirect: { table: 'readWrite', queue: 'send' },
  hits: { table: 'read' },
  activity: { table: 'readWrite', queue: 'send', jwtSecret: true },
  // Serves a file from its bundle; the runtime still needs the table name to start.
  snippet: { commandHooks: snippetCommandHooks },
  link: { table: 'readWrite', apiKey: true },
  'user-sessions': { table: 'read', apiKey: true },
  'user-devices': { table: 'read', apiKey: true },
  'erase-user': { table: 'readWrite', apiKey: true },
  'erase-session': { table: 'readWrite', apiKey: true },
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
}

const pascal = (name: string): string => name.charAt(0).toUpperCase() + name.slice(1);

/**
 * The whole edgeprint service in one construct: the table, the fingerprint secret, the core layer,
 * one function per route behind the HTTP API, the event queue with its forwarder and the scheduled
 * outbox sweep, and (when
 * `siteOrigin` is set) the CloudFront distribution serving the API first-party.
 * Props are validated together; every problem is reported in one error.
 * @example
 * new Edgeprint(this, 'Edgeprint', { allowedOrigins: ['https://shop.example'], allowedRedirectHosts: ['shop.example'] })
 */
export class Edgeprint extends Construct {
  readonly settings: EdgeprintSettings;
  readonly table: EdgeprintTable;
  readonly secret: secretsmanager.Secret;
  readonly coreLayer: CoreLayer;
  readonly events: QueueToForwarder;
  readonly functions: Readonly<Record<FunctionName, EdgeprintFunction>>;
  /** Re-sends, every 5 minutes, the events the queue refused at ingest (kept in the table's outbox). */
  readonly outboxSweep: EdgeprintFunction;
  readonly api: EdgeprintHttpApi;
  readonly distribution?: EdgeprintDistribution;

  constructor(scope: Construct, id: string, props: EdgeprintProps = {}) {
    const { createDistribution = true, ...input } = props;
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
    this.coreLayer = new CoreLayer(this, 'CoreLayer');
    this.events = new QueueToForwarder(this, 'Events', {
      coreLayer: this.coreLayer.layer,
      forwarding: settings.forwarding,
      removalPolicy,
      ...logs,
    });

    const environment = runtimeEnvironment(settings);
    const functions: Partial<Record<FunctionName, EdgeprintFunction>> = {};
    for (const { functionName } of ROUTES) {
      const access = ROUTE_ACCESS[functionName];
      const fn = new EdgeprintFunction(this, pascal(functionName), {
        name: functionName,
        description: `edgeprint ${functionName}`,
        coreLayer: this.coreLayer.layer,
        environment: { ...environment, EDGEPRINT_TABLE: this.table.table.tableName },
        commandHooks: access.commandHooks?.(),
        ...logs,
      });
      fn.bindSecret(this.secret);
      if (access.table !== undefined) fn.bindTable(this.table.table, access.table, { indexNames: this.table.indexNames });
      if (access.queue !== undefined) fn.bindQueue(this.events.queue, access.queue);
      functions[functionName] = fn;
    }
    this.functions = functions as Record<FunctionName, EdgeprintFunction>;

    this.outboxSweep = new EdgeprintFunction(this, 'OutboxSweep', {
      name: 'outbox-sweep',
      description: 'edgeprint outbox sweep: re-sends events the queue refused at ingest',
      coreLayer: this.coreLayer.layer,
      environment,
      timeout: Duration.seconds(60),
      ...logs,
    });
    this.outboxSweep.bindSecret(this.secret);
    this.outboxSweep.bindTable(this.table.table, 'readWrite');
    this.outboxSweep.bindQueue(this.events.queue, 'send');
    new events.Rule(this, 'OutboxSweepSchedule', {
      description: 'edgeprint: sweep the outbox every 5 minutes',
      schedule: events.Schedule.rate(Duration.minutes(5)),
      // A missed run is harmless: the next one, 5 minutes later, sweeps the same items.
      targets: [new targets.LambdaFunction(this.outboxSweep, { retryAttempts: 0 })],
    });

    this.api = new EdgeprintHttpApi(this, 'Api', {
      routes: ROUTES.map((route) => ({ path: route.path, handler: this.functions[route.functionName] })),
      throttling: settings.throttling,
      logRetentionDays: settings.logRetentionDays,
      logRemovalPolicy: removalPolicy,
    });

    if (createDistribution && settings.siteOrigin !== undefined) {
      this.distribution = new EdgeprintDistribution(this, 'Distribution', distributionProps(settings, this.api.domainName));
    }
  }

  /** The API's base URL (`https://<id>.execute-api.<region>.amazonaws.com`). */
  get apiUrl(): string {
    return this.api.api.apiEndpoint;
  }
}

/** The distribution's props from the settings (which must have a `siteOrigin`). */
export function distributionProps(settings: EdgeprintSettings, apiDomainName: string) {
  if (settings.siteOrigin === undefined) throw new Error('the distribution needs siteOrigin');
  return {
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
