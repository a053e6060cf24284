import { RemovalPolicy } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Validations } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import type { ThrottlingSettings } from '../config';

export interface HttpRoute {
  readonly path: string;
  readonly handler: lambda.IFunction;
}

export interface EdgeprintHttpApiProps {
  readonly routes: readonly HttpRoute[];
  readonly throttling: ThrottlingSettings;
  readonly logRetentionDays: number;
  readonly logRemovalPolicy: RemovalPolicy;
}

/**
 * The access log line. No IP and no user agent: the functions store those only as the privacy mode
 * allows, and a log line must not keep more.
 */
const ACCESS_LOG_FIELDS = {
  requestId: '$context.requestId',
  time: '$context.requestTimeEpoch',
  method: '$context.httpMethod',
  routeKey: '$context.routeKey',
  status: '$context.status',
  responseLength: '$context.responseLength',
  responseLatency: '$context.responseLatency',
  integrationLatency: '$context.integrationLatency',
  integrationError: '$context.integrationErrorMessage',
  protocol: '$context.protocol',
};

/**
 * The HTTP API: one `ANY <path>` route per entry (handlers answer 405 for methods they do not
 * serve), a `$default` stage with access logs and default-route throttling.
 * @example new EdgeprintHttpApi(this, 'Api', { routes, throttling: { rateLimit: 500, burstLimit: 1000 }, logRetentionDays: 90, logRemovalPolicy })
 */
export class EdgeprintHttpApi extends Construct {
  readonly api: apigw.HttpApi;
  readonly stage: apigw.HttpStage;
  readonly accessLogs: logs.LogGroup;

  constructor(scope: Construct, id: string, props: EdgeprintHttpApiProps) {
    super(scope, id);
    this.api = new apigw.HttpApi(this, 'HttpApi', {
      description: 'edgeprint: fingerprints, hit counts and the activity log',
      createDefaultStage: false,
    });
    this.accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: props.logRetentionDays as logs.RetentionDays,
      removalPolicy: props.logRemovalPolicy,
    });
    this.stage = new apigw.HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: props.throttling.rateLimit, burstLimit: props.throttling.burstLimit },
      accessLogSettings: {
        destination: new apigw.LogGroupLogDestination(this.accessLogs),
        format: AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS)),
      },
    });
    for (const route of props.routes) {
      this.api.addRoutes({
        path: route.path,
        methods: [apigw.HttpMethod.ANY],
        integration: new HttpLambdaIntegration(`${route.handler.node.id}Integration`, route.handler),
      });
    }
    Validations.of(this.api).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason:
        'Public tracking endpoints: browsers call them anonymously (beacons, the redirect page, the snippet). Each handler enforces its own origin policy (CORS allow-list, 403 otherwise), method guard and body limits.',
    });
  }

  /** The API's host name (`<id>.execute-api.<region>.amazonaws.com`), for a CloudFront origin. */
  get domainName(): string {
    return `${this.api.apiId}.execute-api.${this.api.stack.region}.${this.api.stack.urlSuffix}`;
  }
}
