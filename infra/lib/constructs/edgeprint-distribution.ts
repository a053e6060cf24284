import { join } from 'node:path';
import { Annotations, ArnFormat, Duration, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { buildDirectory, bundleEdgeHandler } from '../bundling';
import { lambdaEdgeProblems, zippedSize, type LambdaEdgeFunctionShape } from '../lambda-edge-limits';
import { FUNCTIONS_DIR } from './edgeprint-function';

/** Lambda@Edge lists Node.js runtimes only up to 22 (infra/lib/lambda-edge-limits.ts); the regional functions run newer. */
export const EDGE_NODE_RUNTIME = lambda.Runtime.NODEJS_22_X;

/** Lambda@Edge functions live in us-east-1, whatever the distribution's stack region. */
const EDGE_REGION = 'us-east-1';

export interface EdgeprintDistributionProps {
  /** Host name of the HTTP API (`<id>.execute-api.<region>.amazonaws.com`). */
  readonly apiDomainName: string;
  /** Domain name of the user's site: the default origin. */
  readonly siteOrigin: string;
  /** @default '/_ep' */
  readonly apiPathPrefix?: string;
  readonly domainNames?: readonly string[];
  /** ACM certificate in us-east-1 covering `domainNames`. */
  readonly certificateArn?: string;
  readonly webAclArn?: string;
  /** @default true */
  readonly accessLogs?: boolean;
  /** @default 90 */
  readonly logRetentionDays?: number;
  /** @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Build-time constants for the edge bundle (esbuild `define`): Lambda@Edge has no environment
   * variables, so its configuration is baked in here.
   */
  readonly edgeDefine?: Readonly<Record<string, string>>;
  /** The real-time log configuration of the recording path, attached to the default (site) behaviour only. */
  readonly realtimeLogConfig?: cloudfront.IRealtimeLogConfig;
}

/** Shown by `cdk synth` when the edge function is built without a configuration. */
export const EDGE_UNCONFIGURED_WARNING =
  'edgeprint: no edge secret given, so the Lambda@Edge function is built without a configuration: it passes every request through ' +
  '(removing viewer-sent x-edgeprint-* headers) and stamps nothing; the real-time logs still record hits. Deploy the regional stack, ' +
  'save its fingerprint secret to .edgeprint/edge-secret (or set EDGEPRINT_EDGE_SECRET), then synth and deploy the edge stack again (docs/deploy.md).';

/** The properties Lambda@Edge restricts, resolved, in their CloudFormation names. */
function edgeFunctionShape(fn: lambda.CfnFunction): LambdaEdgeFunctionShape {
  const resolve = (value: unknown): unknown => Stack.of(fn).resolve(value);
  const tracing = resolve(fn.tracingConfig) as { mode?: string } | undefined;
  return {
    Runtime: resolve(fn.runtime),
    Architectures: resolve(fn.architectures),
    MemorySize: resolve(fn.memorySize),
    Timeout: resolve(fn.timeout),
    Environment: resolve(fn.environment),
    Layers: resolve(fn.layers),
    TracingConfig: tracing === undefined ? undefined : { Mode: tracing.mode },
    VpcConfig: resolve(fn.vpcConfig),
    DeadLetterConfig: resolve(fn.deadLetterConfig),
    FileSystemConfigs: resolve(fn.fileSystemConfigs),
    PackageType: resolve(fn.packageType),
  };
}

/**
 * The CloudFront Function that removes the API prefix (`/_ep/v1/collect` → `/v1/collect`) on the
 * API behaviours, so the API keeps its own paths and the site serves it first-party. It tells the
 * API what it removed and which host the viewer asked for (`x-edgeprint-base-path`,
 * `x-edgeprint-public-host`, overwriting any viewer-sent value), so pages the API renders point at
 * `/_ep/...` on the site (layers/core/src/http/request.ts checks both).
 */
export function stripPrefixFunctionCode(prefix: string): string {
  return [
    'function handler(event) {',
    '  var request = event.request;',
    `  var rest = request.uri.substring(${prefix.length});`,
    "  request.uri = rest.length > 0 ? rest : '/';",
    `  request.headers['x-edgeprint-base-path'] = { value: ${JSON.stringify(prefix)} };`,
    "  if (request.headers.host) request.headers['x-edgeprint-public-host'] = { value: request.headers.host.value };",
    "  else delete request.headers['x-edgeprint-public-host'];",
    '  return request;',
    '}',
  ].join('\n');
}

/**
 * A CloudFront distribution in front of the user's site: the Lambda@Edge viewer-request
 * fingerprinter on the default behaviour, the snippet cached and compressed at the edge under
 * `${apiPathPrefix}/v1/snippet.js`, and the rest of the HTTP API first-party under `${apiPathPrefix}/*`
 * (not cached, cookies, query strings and viewer headers forwarded with CloudFront's viewer address
 * and country headers, the prefix stripped by a CloudFront Function), HTTPS only.
 * @example new EdgeprintDistribution(this, 'Distribution', { apiDomainName: api.domainName, siteOrigin: 'origin.shop.example' })
 */
export class EdgeprintDistribution extends Construct {
  readonly distribution: cloudfront.Distribution;
  readonly viewerRequest: cloudfront.experimental.EdgeFunction;
  readonly stripPrefix: cloudfront.Function;
  /** The snippet behaviour's cache policy (`?v=` in the key, gzip and brotli). */
  readonly snippetCachePolicy: cloudfront.CachePolicy;
  readonly accessLogBucket?: s3.Bucket;
  /** The us-east-1 log group of the Lambda@Edge function (replicas elsewhere log in their own region). */
  readonly viewerRequestLogGroup: logs.LogGroup;
  /** The edge handler's bundle (`index.js`), for size reports. */
  readonly edgeBundlePath: string;

  constructor(scope: Construct, id: string, props: EdgeprintDistributionProps) {
    super(scope, id);
    const stack = Stack.of(this);
    if (Token.isUnresolved(stack.region)) {
      throw new Error(`${stack.node.path}: a stack with the edgeprint distribution needs an explicit region (env: { region })`);
    }
    const prefix = props.apiPathPrefix ?? '/_ep';
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const logRetention = (props.logRetentionDays ?? 90) as logs.RetentionDays;

    const bundleDirectory = buildDirectory(this, 'edge-function');
    this.edgeBundlePath = join(bundleDirectory, 'index.js');
    bundleEdgeHandler(this.edgeBundlePath, props.edgeDefine);
    if (props.edgeDefine === undefined || Object.keys(props.edgeDefine).length === 0) {
      Annotations.of(this).addWarningV2('edgeprint:edge-unconfigured', EDGE_UNCONFIGURED_WARNING);
    }

    // The function, its role and its log group live in us-east-1: this stack, or a support stack.
    const edgeStackId = `${stack.node.id}EdgeLambda`;
    const edgeHome =
      stack.region === EDGE_REGION
        ? stack
        : ((stack.node.scope?.node.tryFindChild(edgeStackId) as Stack | undefined) ??
          new Stack(stack.node.scope as Construct, edgeStackId, {
            env: { region: EDGE_REGION, account: stack.account },
            description: 'edgeprint: the Lambda@Edge function (Lambda@Edge functions must be in us-east-1)',
          }));
    const role = new iam.Role(edgeHome, `${id}ViewerRequestRole`, {
      // EdgeFunction adds edgelambda.amazonaws.com to the trust policy.
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'edgeprint Lambda@Edge viewer-request function',
    });
    this.viewerRequest = new cloudfront.experimental.EdgeFunction(this, 'ViewerRequest', {
      ...(edgeHome === stack ? {} : { stackId: edgeStackId }),
      description: 'edgeprint viewer-request fingerprinter (Lambda@Edge)',
      runtime: EDGE_NODE_RUNTIME,
      // Lambda@Edge runs x86_64 functions; arm64 is not documented as supported there.
      architecture: lambda.Architecture.X86_64,
      handler: 'index.handler',
      code: lambda.Code.fromAsset(bundleDirectory),
      memorySize: 128,
      timeout: Duration.seconds(5),
      role,
    });
    // CloudFront would refuse the association only at deploy time: fail synth instead.
    const edgeLambda = this.viewerRequest.lambda.node.defaultChild as lambda.CfnFunction;
    this.node.addValidation({
      validate: () =>
        lambdaEdgeProblems(edgeFunctionShape(edgeLambda), 'viewer', zippedSize(bundleDirectory)).map((problem) => `Lambda@Edge viewer-request function: ${problem}`),
    });
    Validations.of(this.viewerRequest.lambda).acknowledge({
      id: 'AwsSolutions-L1',
      reason: 'Lambda@Edge supports Node.js only up to 22 (CloudFront refuses newer runtimes at deploy time); checked at synth by lambdaEdgeProblems().',
    });
    const functionName = this.viewerRequest.lambda.functionName;
    // Replicas log in the region that served the viewer, to /aws/lambda/us-east-1.<name>. This log
    // group (us-east-1's) gets the retention; Lambda creates the other regions' groups on first use.
    this.viewerRequestLogGroup = new logs.LogGroup(edgeHome, `${id}ViewerRequestLogs`, {
      logGroupName: `/aws/lambda/${EDGE_REGION}.${functionName}`,
      retention: logRetention,
      removalPolicy,
    });
    const logPolicy = new iam.Policy(edgeHome, `${id}ViewerRequestLogPolicy`, {
      statements: [
        new iam.PolicyStatement({
          actions: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'],
          resources: [
            Stack.of(edgeHome).formatArn({
              service: 'logs',
              region: '*',
              resource: 'log-group',
              resourceName: `/aws/lambda/${EDGE_REGION}.${functionName}:*`,
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          ],
        }),
      ],
    });
    logPolicy.attachToRole(role);
    Validations.of(logPolicy).acknowledge({
      // cdk-nag names the account as the template has it: a token without an explicit account, the number with one (as `cdk deploy` sets it).
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:*:${Token.isUnresolved(Stack.of(edgeHome).account) ? '<AWS::AccountId>' : Stack.of(edgeHome).account}:log-group:/aws/lambda/${EDGE_REGION}.<${Stack.of(edgeHome).getLogicalId(this.viewerRequest.lambda.node.defaultChild as lambda.CfnFunction)}>:*]`,
      reason: 'Lambda@Edge replicas write logs in whichever region served the viewer, so the region must be a wildcard; the log group name is this function only.',
    });

    this.stripPrefix = new cloudfront.Function(this, 'StripApiPrefix', {
      code: cloudfront.FunctionCode.fromInline(stripPrefixFunctionCode(prefix)),
      runtime: cloudfront.FunctionRuntime.JS_2_0,
      comment: `edgeprint: strip ${prefix} before the API`,
    });

    if (props.accessLogs ?? true) {
      this.accessLogBucket = new s3.Bucket(this, 'AccessLogs', {
        blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
        encryption: s3.BucketEncryption.S3_MANAGED,
        enforceSSL: true,
        // CloudFront standard logging writes with ACLs.
        objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
        lifecycleRules: [{ expiration: Duration.days(props.logRetentionDays ?? 90) }],
        removalPolicy,
        autoDeleteObjects: removalPolicy === RemovalPolicy.DESTROY,
      });
      Validations.of(this.accessLogBucket).acknowledge({
        id: 'AwsSolutions-S1',
        reason: 'This bucket is itself the access-log destination (CloudFront standard logs); logging its own access would need yet another bucket.',
      });
    }

    const httpsOrigin = (domainName: string) =>
      new origins.HttpOrigin(domainName, {
        protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
        originSslProtocols: [cloudfront.OriginSslPolicy.TLS_V1_2],
      });
    const apiOrigin = httpsOrigin(props.apiDomainName);
    // The snippet is the same bytes for everyone: cached at the edge and compressed there (CloudFront
    // compresses only on a behaviour with caching on and gzip/brotli in the cache key). Its key is the
    // path and `?v=` (the content-hash pin); the API's Cache-Control sets how long each form is kept.
    this.snippetCachePolicy = new cloudfront.CachePolicy(this, 'SnippetCachePolicy', {
      comment: 'edgeprint: the snippet, keyed by its ?v= content hash, compressed at the edge',
      queryStringBehavior: cloudfront.CacheQueryStringBehavior.allowList('v'),
      headerBehavior: cloudfront.CacheHeaderBehavior.none(),
      cookieBehavior: cloudfront.CacheCookieBehavior.none(),
      enableAcceptEncodingGzip: true,
      enableAcceptEncodingBrotli: true,
      minTtl: Duration.seconds(0),
      defaultTtl: Duration.days(1),
      maxTtl: Duration.days(365),
    });
    const domainNames = [...(props.domainNames ?? [])];
    const customDomain = domainNames.length > 0 && props.certificateArn !== undefined;
    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: `edgeprint: ${props.siteOrigin} with the API under ${prefix}`,
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      defaultBehavior: {
        origin: httpsOrigin(props.siteOrigin),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
        cachePolicy: cloudfront.CachePolicy.USE_ORIGIN_CACHE_CONTROL_HEADERS_QUERY_STRINGS,
        originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
        edgeLambdas: [{ functionVersion: this.viewerRequest.currentVersion, eventType: cloudfront.LambdaEdgeEventType.VIEWER_REQUEST }],
        ...(props.realtimeLogConfig === undefined ? {} : { realtimeLogConfig: props.realtimeLogConfig }),
      },
      additionalBehaviors: {
        // More specific than `${prefix}/*`, so CloudFront matches it first (behaviours are ordered as listed).
        [`${prefix}/v1/snippet.js`]: {
          origin: apiOrigin,
          viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
          allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
          cachedMethods: cloudfront.CachedMethods.CACHE_GET_HEAD,
          cachePolicy: this.snippetCachePolicy,
          compress: true,
          // No origin request policy: the API needs nothing of the viewer's request for a static file,
          // and its own host (the origin's domain) is what API Gateway expects.
          functionAssociations: [{ function: this.stripPrefix, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST }],
        },
        [`${prefix}/*`]: {
          origin: apiOrigin,
          viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
          allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
          cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
          // API Gateway rejects a foreign Host header, and a custom allow-list is capped at 10
          // headers (the API reads more): this managed policy forwards all viewer headers but Host,
          // all cookies and query strings, plus CloudFront-Viewer-Address and -Country.
          originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
          functionAssociations: [{ function: this.stripPrefix, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST }],
        },
      },
      ...(customDomain
        ? {
            domainNames,
            certificate: acm.Certificate.fromCertificateArn(this, 'Certificate', props.certificateArn as string),
            minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
            sslSupportMethod: cloudfront.SSLMethod.SNI,
          }
        : {}),
      ...(props.webAclArn === undefined ? {} : { webAclId: props.webAclArn }),
      ...(this.accessLogBucket === undefined ? {} : { enableLogging: true, logBucket: this.accessLogBucket, logFilePrefix: 'cloudfront/' }),
    });

    const acknowledge = (ruleId: string, reason: string) => Validations.of(this.distribution).acknowledge({ id: ruleId, reason });
    acknowledge('AwsSolutions-CFR1', 'The distribution fronts the site itself: which countries may reach it is the site owner\'s choice, not the tracker\'s.');
    if (props.webAclArn === undefined) {
      acknowledge('AwsSolutions-CFR2', 'No web ACL configured (set webAclArn to attach one); the API is rate-limited by its stage throttling.');
    }
    if (!customDomain) {
      acknowledge('AwsSolutions-CFR4', 'No custom domain configured: the default *.cloudfront.net certificate cannot enforce a minimum TLS version. Setting domainNames and certificateArn applies TLSv1.2_2021.');
    }
    if (this.accessLogBucket === undefined) {
      acknowledge('AwsSolutions-CFR3', 'Access logs turned off in the configuration (cloudFrontAccessLogs: false): they would keep every viewer\'s full IP.');
    }
  }

  /** The distribution's host name (`dxxxx.cloudfront.net`). */
  get domainName(): string {
    return this.distribution.distributionDomainName;
  }
}
