import { Annotations, ArnFormat, CfnOutput, Resource, Stack, type StackProps } from 'aws-cdk-lib';
import type * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import type { Construct } from 'constructs';
import type { EdgeprintSettings } from './config';
import { EdgeprintDistribution } from './constructs/edgeprint-distribution';
import { monitorEdgeFunction } from './constructs/edgeprint-monitoring';
import { Edgeprint, distributionProps } from './edgeprint';

export interface EdgeprintRegionalStackProps extends StackProps {
  readonly settings: EdgeprintSettings;
}

/**
 * The SSM parameters through which the regional stack hands values to the edge stack. No
 * CloudFormation export ties them: each stack can be updated, replaced or removed alone, and the edge
 * stack reads the current values whenever it is deployed (docs/deploy.md, "Order of deploys").
 * @example handoffParameterNames('Edgeprint').apiDomainName // '/edgeprint/Edgeprint/api-domain-name'
 */
export function handoffParameterNames(regionalStackName: string): { apiDomainName: string; realtimeLogConfigArn: string } {
  return {
    apiDomainName: `/edgeprint/${regionalStackName}/api-domain-name`,
    realtimeLogConfigArn: `/edgeprint/${regionalStackName}/realtime-log-config-arn`,
  };
}

/** The regional half: table, secret, layer, functions, HTTP API, queue and forwarder; with `siteOrigin`, the edge's recording path. */
export class EdgeprintRegionalStack extends Stack {
  readonly edgeprint: Edgeprint;

  constructor(scope: Construct, id: string, props: EdgeprintRegionalStackProps) {
    super(scope, id, props);
    const { region: _region, ...settings } = props.settings;
    this.edgeprint = new Edgeprint(this, 'Edgeprint', { ...settings, createDistribution: false });
    new CfnOutput(this, 'ApiUrl', { value: this.edgeprint.apiUrl, description: 'The HTTP API (direct, not first-party)' });
    new CfnOutput(this, 'TableName', { value: this.edgeprint.table.table.tableName });
    new CfnOutput(this, 'QueueUrl', { value: this.edgeprint.events.queue.queueUrl });
    new CfnOutput(this, 'DeadLetterQueueUrl', { value: this.edgeprint.events.deadLetterQueue.queueUrl });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.edgeprint.monitoring.topic.topicArn, description: 'Every edgeprint alarm notifies this topic (docs/operations.md)' });
    new CfnOutput(this, 'DashboardName', { value: this.edgeprint.monitoring.dashboard.dashboardName });
    // The ARN only: the value is fetched by the operator for the edge build (docs/deploy.md).
    new CfnOutput(this, 'FingerprintSecretArn', { value: this.edgeprint.secret.secretArn });
    if (this.edgeprint.edgeRecording !== undefined) {
      new CfnOutput(this, 'EdgeIngestFailureQueueUrl', { value: this.edgeprint.edgeRecording.failureQueue.queueUrl });
    }
    if (props.settings.siteOrigin !== undefined) {
      const names = handoffParameterNames(this.stackName);
      new ssm.StringParameter(this, 'ApiDomainNameParameter', {
        parameterName: names.apiDomainName,
        stringValue: this.edgeprint.api.domainName,
        description: 'edgeprint: the HTTP API host, read by the edge stack at deploy time',
      });
      if (this.edgeprint.edgeRecording !== undefined) {
        new ssm.StringParameter(this, 'RealtimeLogConfigArnParameter', {
          parameterName: names.realtimeLogConfigArn,
          stringValue: this.edgeprint.edgeRecording.realtimeLogConfig.realtimeLogConfigArn,
          description: 'edgeprint: the real-time log configuration of the site behaviour, read by the edge stack at deploy time',
        });
      }
    }
  }
}

/** A real-time log configuration known by its ARN only (CDK offers no `fromArn`). */
class ImportedRealtimeLogConfig extends Resource implements cloudfront.IRealtimeLogConfig {
  readonly realtimeLogConfigArn: string;
  readonly realtimeLogConfigName: string;

  constructor(scope: Construct, id: string, arn: string) {
    super(scope, id);
    this.realtimeLogConfigArn = arn;
    // The name is the ARN's last segment (arn:…:realtime-log-config/<name>).
    this.realtimeLogConfigName = Stack.of(this).splitArn(arn, ArnFormat.SLASH_RESOURCE_NAME).resourceName ?? arn;
  }

  get realtimeLogConfigRef(): cloudfront.RealtimeLogConfigReference {
    return { realtimeLogConfigArn: this.realtimeLogConfigArn };
  }
}

export interface EdgeprintEdgeStackProps extends StackProps {
  readonly settings: EdgeprintSettings;
  /**
   * Name of the regional stack whose SSM parameters (`handoffParameterNames()`) give the API host
   * and the real-time log configuration, read when this stack is deployed.
   */
  readonly regionalStackName: string;
  /** The regional stack records the edge's navigations (real-time logs): attach its log configuration. @default true */
  readonly realtimeLogs?: boolean;
  /** The regional fingerprint secret's value for the edge bundle (`readEdgeSecret()`); never put in a template. */
  readonly edgeSecret?: string;
}

/** The edge half: the CloudFront distribution in front of the site, with the Lambda@Edge function. */
export class EdgeprintEdgeStack extends Stack {
  readonly distribution: EdgeprintDistribution;

  constructor(scope: Construct, id: string, props: EdgeprintEdgeStackProps) {
    super(scope, id, props);
    const names = handoffParameterNames(props.regionalStackName);
    // CloudFormation resolves these parameters at each deploy of this stack: no export, no import.
    const apiDomainName = ssm.StringParameter.valueForStringParameter(this, names.apiDomainName);
    const realtimeLogConfig =
      props.realtimeLogs === false
        ? undefined
        : new ImportedRealtimeLogConfig(this, 'RealtimeLogConfig', ssm.StringParameter.valueForStringParameter(this, names.realtimeLogConfigArn));
    this.distribution = new EdgeprintDistribution(
      this,
      'Distribution',
      distributionProps(props.settings, apiDomainName, { edgeSecret: props.edgeSecret, realtimeLogConfig }),
    );
    monitorEdgeFunction(this.distribution, { alarmEmail: props.settings.alarmEmail });
    new CfnOutput(this, 'DistributionDomainName', { value: this.distribution.domainName });
    new CfnOutput(this, 'FirstPartyApiUrl', {
      value: `https://${props.settings.domainNames[0] ?? this.distribution.domainName}${props.settings.apiPathPrefix}`,
      description: 'The API served first-party: use it as the snippet\'s data-endpoint',
    });
  }
}

export interface EdgeprintAppOptions {
  /**
   * The regional fingerprint secret's value for the Lambda@Edge bundle; `infra/bin/app.ts` reads it
   * with `readEdgeSecret()` (EDGEPRINT_EDGE_SECRET or .edgeprint/edge-secret). Without it the edge
   * function passes requests through and synth warns.
   */
  readonly edgeSecret?: string;
}

export interface EdgeprintApp {
  readonly regional: EdgeprintRegionalStack;
  readonly edge?: EdgeprintEdgeStack;
}

/**
 * The repo's own app: the regional stack and, when `siteOrigin` is configured, the edge stack.
 * Both get the configured region explicitly (the edge stack's EdgeFunction needs one).
 */
export function buildEdgeprintApp(scope: Construct, settings: EdgeprintSettings, options: EdgeprintAppOptions = {}): EdgeprintApp {
  const env = { region: settings.region, account: process.env.CDK_DEFAULT_ACCOUNT };
  const regional = new EdgeprintRegionalStack(scope, 'Edgeprint', {
    env,
    settings,
    description: 'edgeprint: fingerprints, hit counts and the activity log (regional)',
  });
  if (settings.siteOrigin === undefined) {
    Annotations.of(regional).addInfo(
      'edgeprint: no siteOrigin configured, so the edge stack (CloudFront distribution, Lambda@Edge) is not created. See docs/deploy.md.',
    );
    return { regional };
  }
  const edge = new EdgeprintEdgeStack(scope, 'EdgeprintEdge', {
    env,
    settings,
    regionalStackName: regional.stackName,
    realtimeLogs: regional.edgeprint.edgeRecording !== undefined,
    edgeSecret: options.edgeSecret,
    description: 'edgeprint: CloudFront in front of the site, the API first-party, Lambda@Edge (edge)',
  });
  // Deploy order only (the parameters must exist first); no CloudFormation export links the stacks.
  edge.addStackDependency(regional, 'reads the regional stack\'s SSM parameters at deploy time');
  return { regional, edge };
}
