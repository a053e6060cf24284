import { Annotations, CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import type { Construct } from 'constructs';
import type { EdgeprintSettings } from './config';
import { EdgeprintDistribution } from './constructs/edgeprint-distribution';
import { Edgeprint, distributionProps } from './edgeprint';

export interface EdgeprintRegionalStackProps extends StackProps {
  readonly settings: EdgeprintSettings;
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
    // The ARN only: the value is fetched by the operator for the edge build (docs/deploy.md).
    new CfnOutput(this, 'FingerprintSecretArn', { value: this.edgeprint.secret.secretArn });
    if (this.edgeprint.edgeRecording !== undefined) {
      new CfnOutput(this, 'EdgeIngestFailureQueueUrl', { value: this.edgeprint.edgeRecording.failureQueue.queueUrl });
    }
  }
}

export interface EdgeprintEdgeStackProps extends StackProps {
  readonly settings: EdgeprintSettings;
  /** Host name of the regional stack's HTTP API. */
  readonly apiDomainName: string;
  /** The regional stack's real-time log configuration, attached to the site's behaviour. */
  readonly realtimeLogConfig?: cloudfront.IRealtimeLogConfig;
  /** The regional fingerprint secret's value for the edge bundle (`readEdgeSecret()`); never put in a template. */
  readonly edgeSecret?: string;
}

/** The edge half: the CloudFront distribution in front of the site, with the Lambda@Edge function. */
export class EdgeprintEdgeStack extends Stack {
  readonly distribution: EdgeprintDistribution;

  constructor(scope: Construct, id: string, props: EdgeprintEdgeStackProps) {
    super(scope, id, props);
    this.distribution = new EdgeprintDistribution(
      this,
      'Distribution',
      distributionProps(props.settings, props.apiDomainName, { edgeSecret: props.edgeSecret, realtimeLogConfig: props.realtimeLogConfig }),
    );
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
    apiDomainName: regional.edgeprint.api.domainName,
    realtimeLogConfig: regional.edgeprint.edgeRecording?.realtimeLogConfig,
    edgeSecret: options.edgeSecret,
    description: 'edgeprint: CloudFront in front of the site, the API first-party, Lambda@Edge (edge)',
  });
  return { regional, edge };
}
