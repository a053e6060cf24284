import { join } from 'node:path';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat, type ICommandHooks } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { LAMBDA_SDK_ALIASES } from '../bundling';
import { packageRoot } from '../package-root';

/** The functions' sources: `functions/<name>/handler.ts`. */
export const FUNCTIONS_DIR = join(packageRoot(__dirname), 'functions');

/**
 * CDK context key (`cdk deploy -c edgeprint:sourceMaps=true`): turn on `--enable-source-maps` in every
 * regional function, for readable stack traces while debugging. Off by default: Node reads and parses
 * each bundle's map at load, about a fifth of a function's cold start (docs/benchmarks.md, "Bundles").
 * The maps are deployed either way (beside each bundle), so a minified trace can also be decoded later.
 */
export const SOURCE_MAPS_CONTEXT = 'edgeprint:sourceMaps';

/** The newest Node.js runtime this aws-cdk-lib knows (cdk-nag AwsSolutions-L1 checks the same). */
export const NODE_RUNTIME = lambda.Runtime.NODEJS_24_X;

/** Table access classes: exactly the DynamoDB actions the code calls. Nothing scans. */
export const TABLE_ACTIONS = {
  /** Hits and session reads; the user lookups on gsi1. */
  read: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'],
  /** The core's access patterns (layers/core/src/store/). */
  readWrite: [
    'dynamodb:GetItem',
    'dynamodb:BatchGetItem',
    'dynamodb:Query',
    'dynamodb:PutItem',
    'dynamodb:UpdateItem',
    'dynamodb:DeleteItem',
    'dynamodb:BatchWriteItem',
  ],
  /** The forwarder's aggregation: claim, release and delete markers, add day counters (UpdateItem, DeleteItem), read a full day item's counter names (GetItem). */
  aggregate: ['dynamodb:GetItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
  /** Powertools idempotency's persistence layer (the forwarder's delivery ledger). */
  ledger: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
} as const;

/** Queue access classes. `consume` is what the SQS event source mapping needs. */
export const QUEUE_ACTIONS = {
  send: ['sqs:SendMessage'],
  consume: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility', 'sqs:GetQueueAttributes'],
} as const;

function sourceMapsAtRuntime(scope: Construct): boolean {
  const value: unknown = scope.node.tryGetContext(SOURCE_MAPS_CONTEXT);
  return value === true || value === 'true';
}

export interface EdgeprintFunctionProps {
  /** `functions/<name>/handler.ts` is the entry. */
  readonly name: string;
  /** @default 90 */
  readonly logRetentionDays?: number;
  /** @default RemovalPolicy.RETAIN */
  readonly logRemovalPolicy?: RemovalPolicy;
  /** @default 6 seconds */
  readonly timeout?: Duration;
  /** @default 256 */
  readonly memorySize?: number;
  readonly environment?: Record<string, string>;
  /** Extra steps around bundling (the snippet function copies its script in). */
  readonly commandHooks?: ICommandHooks;
  readonly description?: string;
}

/**
 * The one way edgeprint defines a regional Lambda: latest Node.js on arm64, its own esbuild bundle
 * (minified, tree-shaken from its handler, module-first, source maps beside it, turned on only by
 * SOURCE_MAPS_CONTEXT; the SDK's credential chain cut to the environment provider; no layer: each function holds
 * only the code its route reaches, docs/architecture.md), an explicit log group with retention,
 * X-Ray, and an own role with no managed policies. Permissions come only through the `bind*`
 * methods, which grant exactly the actions the function uses.
 * @example
 * const fn = new EdgeprintFunction(this, 'Hits', { name: 'hits' })
 * fn.bindTable(table, 'read')
 */
export class EdgeprintFunction extends NodejsFunction {
  /** The folder under `functions/` this function is built from. */
  readonly entryName: string;

  constructor(scope: Construct, id: string, props: EdgeprintFunctionProps) {
    const logGroup = new logs.LogGroup(scope, `${id}Logs`, {
      retention: (props.logRetentionDays ?? 90) as logs.RetentionDays,
      removalPolicy: props.logRemovalPolicy ?? RemovalPolicy.RETAIN,
    });
    const role = new iam.Role(scope, `${id}Role`, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `edgeprint ${props.name} function`,
    });
    // Instead of the AWSLambdaBasicExecutionRole managed policy: write to this log group only.
    logGroup.grantWrite(role);
    super(scope, id, {
      entry: join(FUNCTIONS_DIR, props.name, 'handler.ts'),
      handler: 'handler',
      description: props.description,
      runtime: NODE_RUNTIME,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 256,
      timeout: props.timeout ?? Duration.seconds(6),
      tracing: lambda.Tracing.ACTIVE,
      logGroup,
      role,
      environment: {
        ...(sourceMapsAtRuntime(scope) ? { NODE_OPTIONS: '--enable-source-maps' } : {}),
        POWERTOOLS_SERVICE_NAME: 'edgeprint',
        ...props.environment,
      },
      bundling: {
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        format: OutputFormat.CJS,
        // Measured: module-first resolution gives smaller and faster-loading bundles than CJS `main`.
        mainFields: ['module', 'main'],
        // Nothing external, the AWS SDK included (the default leaves @aws-sdk/* to the runtime's copy):
        // bundled, it is tree-shaken to the clients a function uses and pinned to the tested version.
        externalModules: [],
        // Lambda's credentials are always in the environment: bundle only that provider (layers/core/src/aws/lambda-credentials.ts).
        esbuildArgs: Object.fromEntries(Object.entries(LAMBDA_SDK_ALIASES).map(([from, to]) => [`--alias:${from}`, to])),
        forceDockerBundling: false,
        commandHooks: props.commandHooks,
      },
    });
    this.entryName = props.name;
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'X-Ray tracing: xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level permissions. Table, queue and secret grants are resource-scoped (tested).',
    });
  }

  /**
   * Grants the table actions of one access class on the table (and the given indexes) and passes
   * the table name in `environmentVariable`.
   */
  bindTable(
    table: dynamodb.ITable,
    access: keyof typeof TABLE_ACTIONS,
    options: { indexNames?: readonly string[]; environmentVariable?: string } = {},
  ): void {
    iam.Grant.addToPrincipal({
      grantee: this,
      actions: [...TABLE_ACTIONS[access]],
      resourceArns: [table.tableArn, ...(options.indexNames ?? []).map((name) => `${table.tableArn}/index/${name}`)],
    });
    this.addEnvironment(options.environmentVariable ?? 'EDGEPRINT_TABLE', table.tableName);
  }

  /**
   * `send`: grants SendMessage and passes the queue URL in `environmentVariable`. `consume`: grants
   * what the event source mapping needs and attaches one, with partial batch responses.
   */
  bindQueue(queue: sqs.IQueue, access: keyof typeof QUEUE_ACTIONS, options: { environmentVariable?: string; batchSize?: number; maxBatchingWindow?: Duration } = {}): void {
    queue.grant(this, ...QUEUE_ACTIONS[access]);
    if (access === 'send') {
      this.addEnvironment(options.environmentVariable ?? 'EDGEPRINT_QUEUE_URL', queue.queueUrl);
      return;
    }
    this.addEventSourceMapping('QueueSource', {
      eventSourceArn: queue.queueArn,
      batchSize: options.batchSize ?? 10,
      ...(options.maxBatchingWindow === undefined ? {} : { maxBatchingWindow: options.maxBatchingWindow }),
      reportBatchItemFailures: true,
    });
  }

  /** Grants reading this one secret's value and passes its ARN in `environmentVariable`. */
  bindSecret(secret: secretsmanager.ISecret, environmentVariable = 'EDGEPRINT_SECRET_ARN'): void {
    iam.Grant.addToPrincipal({ grantee: this, actions: ['secretsmanager:GetSecretValue'], resourceArns: [secret.secretArn] });
    this.addEnvironment(environmentVariable, secret.secretArn);
  }
}
