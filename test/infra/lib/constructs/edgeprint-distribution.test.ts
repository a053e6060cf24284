import type { CloudFrontRequest, CloudFrontRequestEvent } from 'aws-lambda';
import { type App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { EDGE_UNCONFIGURED_WARNING, EdgeprintDistribution, stripPrefixFunctionCode } from '../../../../infra/lib/constructs/edgeprint-distribution';
import { edgeprintHeaderNames, requestOf, viewerRequestFixture } from '../../../helpers/cloudfront';
import { acknowledgements, logicalIdOf, newApp, unacknowledgedNagFindings } from '../../synth-app';

/** Runs the CloudFront Function's code (cloudfront-js-2.0 is plain ES5 here) on a viewer request. */
function runStripPrefix(prefix: string, uri: string): string {
  const handler = new Function(`${stripPrefixFunctionCode(prefix)}; return handler;`)() as (event: unknown) => { uri: string };
  return handler({ request: { uri, method: 'GET', querystring: {}, headers: {}, cookies: {} } }).uri;
}

describe('stripPrefixFunctionCode()', () => {
  it.each([
    ['/_ep/v1/collect', '/v1/collect'],
    ['/_ep/v1/hits', '/v1/hits'],
    ['/_ep/', '/'],
    ['/_ep', '/'],
  ])('turns %s into %s', (uri, expected) => {
    expect(runStripPrefix('/_ep', uri)).toBe(expected);
  });

  it('uses the configured prefix', () => {
    expect(runStripPrefix('/_track', '/_track/v1/r')).toBe('/v1/r');
  });

  it('tells the API the prefix it removed and the host the viewer asked for, overwriting what the viewer sent', () => {
    const handler = new Function(`${stripPrefixFunctionCode('/_ep')}; return handler;`)() as (event: unknown) => { headers: Record<string, { value: string }> };
    const sent = { host: { value: 'shop.example' }, 'x-edgeprint-base-path': { value: '/evil' }, 'x-edgeprint-public-host': { value: 'evil.example' } };
    const result = handler({ request: { uri: '/_ep/v1/r', method: 'GET', querystring: {}, headers: sent, cookies: {} } });
    expect(result.headers['x-edgeprint-base-path']).toEqual({ value: '/_ep' });
    expect(result.headers['x-edgeprint-public-host']).toEqual({ value: 'shop.example' });
    const hostless = handler({ request: { uri: '/_ep/v1/r', method: 'GET', querystring: {}, headers: { 'x-edgeprint-public-host': { value: 'evil.example' } }, cookies: {} } });
    expect(hostless.headers['x-edgeprint-public-host']).toBeUndefined();
  });
});

describe('EdgeprintDistribution', () => {
  let app: App;
  let stack: Stack;
  let distribution: EdgeprintDistribution;
  let template: Template;

  beforeAll(() => {
    // us-east-1: the Lambda@Edge function stays in the distribution's own stack.
    app = newApp();
    stack = new Stack(app, 'Site', { env: { region: 'us-east-1' } });
    distribution = new EdgeprintDistribution(stack, 'Edge', {
      apiDomainName: 'abc123.execute-api.eu-west-1.amazonaws.com',
      siteOrigin: 'origin.shop.example',
      apiPathPrefix: '/_t',
      domainNames: ['shop.example', 'www.shop.example'],
      certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0',
      webAclArn: 'arn:aws:wafv2:us-east-1:123456789012:global/webacl/edge/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0',
      accessLogs: false,
    });
    app.synth();
    template = Template.fromStack(stack);
  });

  it('puts the edge function, its role and log group in the same stack when it is in us-east-1', () => {
    expect(distribution.viewerRequest.lambda.stack).toBe(stack);
    template.hasResourceProperties('AWS::Lambda::Function', { Handler: 'index.handler', Runtime: 'nodejs22.x' });
    template.hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: Match.objectLike({ 'Fn::Join': ['', ['/aws/lambda/us-east-1.', { Ref: logicalIdOf(distribution.viewerRequest.lambda) }]] }) });
  });

  it('serves the custom domains with SNI and the TLSv1.2_2021 policy, behind the web ACL', () => {
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        Aliases: ['shop.example', 'www.shop.example'],
        ViewerCertificate: {
          AcmCertificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0',
          MinimumProtocolVersion: 'TLSv1.2_2021',
          SslSupportMethod: 'sni-only',
        },
        WebACLId: 'arn:aws:wafv2:us-east-1:123456789012:global/webacl/edge/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0',
        CacheBehaviors: [Match.objectLike({ PathPattern: '/_t/v1/snippet.js' }), Match.objectLike({ PathPattern: '/_t/*' })],
      }),
    });
  });

  it('keeps no access logs when they are turned off', () => {
    template.resourceCountIs('AWS::S3::Bucket', 0);
    const config = Object.values(template.findResources('AWS::CloudFront::Distribution'))[0]?.Properties.DistributionConfig;
    expect(config.Logging).toBeUndefined();
  });

  // Issue 12: the snippet's first load is one cached, compressed fetch at the edge.
  it('serves the snippet from a cached, compressed behaviour keyed by its ?v= hash, ahead of the API behaviour', () => {
    template.hasResourceProperties('AWS::CloudFront::CachePolicy', {
      CachePolicyConfig: Match.objectLike({
        MinTTL: 0,
        DefaultTTL: 86400,
        MaxTTL: 31536000,
        ParametersInCacheKeyAndForwardedToOrigin: {
          EnableAcceptEncodingGzip: true,
          EnableAcceptEncodingBrotli: true,
          QueryStringsConfig: { QueryStringBehavior: 'whitelist', QueryStrings: ['v'] },
          HeadersConfig: { HeaderBehavior: 'none' },
          CookiesConfig: { CookieBehavior: 'none' },
        },
      }),
    });
    const config = Object.values(template.findResources('AWS::CloudFront::Distribution'))[0]?.Properties.DistributionConfig;
    const [snippet, api] = config.CacheBehaviors as Record<string, unknown>[];
    expect(snippet).toMatchObject({
      PathPattern: '/_t/v1/snippet.js',
      Compress: true,
      AllowedMethods: ['GET', 'HEAD'],
      CachePolicyId: { Ref: logicalIdOf(distribution.snippetCachePolicy) },
      TargetOriginId: api?.TargetOriginId,
      FunctionAssociations: [expect.objectContaining({ EventType: 'viewer-request' })],
    });
    expect(snippet?.OriginRequestPolicyId).toBeUndefined();
    // The rest of the API stays uncached.
    expect(api).toMatchObject({ PathPattern: '/_t/*', CachePolicyId: '4135ea2d-6df8-44a3-9df3-4b5a84be39ad' });
  });

  it('strips the configured prefix in a cloudfront-js-2.0 function', () => {
    template.hasResourceProperties('AWS::CloudFront::Function', {
      FunctionConfig: Match.objectLike({ Runtime: 'cloudfront-js-2.0' }),
      FunctionCode: stripPrefixFunctionCode('/_t'),
    });
  });

  it('is cdk-nag clean, acknowledging only what the configuration leaves open', () => {
    expect(unacknowledgedNagFindings(app)).toEqual([]);
    const acknowledged = acknowledgements(app).map((entry) => entry.id);
    // A custom domain, a web ACL: no TLS or WAF acknowledgement; logs off: CFR3 acknowledged.
    expect(acknowledged).toEqual(expect.arrayContaining(['AwsSolutions-CFR3', 'AwsSolutions-CFR1']));
    expect(acknowledged).not.toContain('AwsSolutions-CFR4');
    expect(acknowledged).not.toContain('AwsSolutions-CFR2');
  });

  describe('without an edge configuration (no secret given at synth)', () => {
    it('warns at synth', () => {
      Annotations.fromStack(stack).hasWarning(`/${distribution.node.path}`, Match.stringLikeRegexp('no edge secret given'));
      expect(EDGE_UNCONFIGURED_WARNING).toMatch(/\.edgeprint\/edge-secret/);
    });

    it('builds a function that passes a navigation through unchanged, minus the viewer\'s x-edgeprint-* headers', async () => {
      const { handler } = require(distribution.edgeBundlePath) as { handler: (event: CloudFrontRequestEvent) => Promise<CloudFrontRequest> };
      const original = requestOf(viewerRequestFixture('chrome-navigation'));
      expect(edgeprintHeaderNames(original.headers).length).toBeGreaterThan(0);
      const errors = jest.spyOn(console, 'error').mockImplementation(() => undefined);
      try {
        const result = await handler(viewerRequestFixture('chrome-navigation'));
        expect(edgeprintHeaderNames(result.headers)).toEqual([]);
        const { 'x-edgeprint-fingerprint': _fingerprint, 'x-edgeprint-bot': _bot, ...rest } = original.headers;
        expect(result).toEqual({ ...original, headers: rest });
      } finally {
        errors.mockRestore();
      }
    });

    it('attaches no real-time log configuration when none is given', () => {
      const config = Object.values(template.findResources('AWS::CloudFront::Distribution'))[0]?.Properties.DistributionConfig;
      expect(config.DefaultCacheBehavior.RealtimeLogConfigArn).toBeUndefined();
    });
  });

  it('refuses a stack without an explicit region', () => {
    const agnostic = new Stack(newApp(), 'Agnostic');
    expect(() => new EdgeprintDistribution(agnostic, 'Edge', { apiDomainName: 'a.example', siteOrigin: 'origin.shop.example' })).toThrow(/needs an explicit region/);
  });
});

describe('EdgeprintDistribution with an explicit account (as `cdk deploy` synthesizes)', () => {
  it('is cdk-nag clean: the log policy acknowledgement names the account the template has', () => {
    const app = newApp();
    const stack = new Stack(app, 'Site', { env: { region: 'eu-west-1', account: '123456789012' } });
    const distribution = new EdgeprintDistribution(stack, 'Edge', { apiDomainName: 'abc123.execute-api.eu-west-1.amazonaws.com', siteOrigin: 'origin.shop.example' });
    app.synth();
    expect(Stack.of(distribution.viewerRequestLogGroup).account).toBe('123456789012');
    expect(unacknowledgedNagFindings(app)).toEqual([]);
  });
});
