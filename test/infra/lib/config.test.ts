import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import fc from 'fast-check';
import { CONFIG_FILE, DEFAULT_SETTINGS, EdgeprintConfigError, resolveSettings, settingsFromContext } from '../../../infra/lib/config';

/** The problems `resolveSettings` reports for an input (empty when it is valid). */
function problemsOf(input: unknown): readonly string[] {
  try {
    resolveSettings(input);
    return [];
  } catch (error) {
    if (!(error instanceof EdgeprintConfigError)) throw error;
    return error.problems;
  }
}

const CERTIFICATE = 'arn:aws:acm:us-east-1:123456789012:certificate/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0';

describe('resolveSettings()', () => {
  it('fills every default and accepts a complete, valid configuration', () => {
    expect(resolveSettings({})).toEqual({ ...DEFAULT_SETTINGS, region: 'us-east-1', trustCloudFrontViewerAddress: false });
    const full = {
      region: 'eu-west-1',
      allowedOrigins: ['https://shop.example', 'http://127.0.0.1:8080'],
      allowedRedirectHosts: ['shop.example', 'shop.example:8443'],
      publicOrigin: 'https://shop.example',
      ipMode: 'none',
      gpcMode: 'drop',
      cookieDays: 7,
      retentionDays: 30,
      debounceSeconds: 0,
      hitsMaxAgeSeconds: 0,
      logRetentionDays: 14,
      throttling: { rateLimit: 50, burstLimit: 100 },
      removalPolicy: 'destroy',
      trustCloudFrontViewerAddress: false,
      siteOrigin: 'origin.shop.example',
      apiPathPrefix: '/_t',
      domainNames: ['shop.example'],
      certificateArn: CERTIFICATE,
      webAclArn: 'arn:aws:wafv2:us-east-1:123456789012:global/webacl/edge/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0',
      cloudFrontAccessLogs: false,
      forwarding: {
        providers: { ga4: { measurementId: 'G-ABC1234567', region: 'eu' }, webhook: { url: 'https://hooks.shop.example/edgeprint' } },
        providerSecretsArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:edgeprint/providers-AbCdEf',
        forwardGpc: false,
        honorDnt: true,
        denyParams: ['token', 'email'],
        excludePaths: ['/admin', '/feed'],
        idempotencyWindowSeconds: 3600,
      },
    };
    expect(resolveSettings(full)).toEqual(full);
  });

  it('trusts CloudFront-Viewer-Address by default only when a distribution fronts the API', () => {
    expect(resolveSettings({ siteOrigin: 'origin.shop.example' }).trustCloudFrontViewerAddress).toBe(true);
    expect(resolveSettings({}).trustCloudFrontViewerAddress).toBe(false);
    expect(resolveSettings({ siteOrigin: 'origin.shop.example', trustCloudFrontViewerAddress: false }).trustCloudFrontViewerAddress).toBe(false);
  });

  it('merges a partial throttling object over the defaults', () => {
    expect(resolveSettings({ throttling: { rateLimit: 20 } }).throttling).toEqual({ rateLimit: 20, burstLimit: DEFAULT_SETTINGS.throttling.burstLimit });
  });

  it('returns a frozen object', () => {
    expect(Object.isFrozen(resolveSettings({}))).toBe(true);
  });

  it('reports every problem at once, in one error', () => {
    expect(() => resolveSettings({ cookieDays: 0, ipMode: 'partial' })).toThrow(EdgeprintConfigError);
    expect(problemsOf({ cookieDays: 0, ipMode: 'partial', region: 'mars' })).toEqual([
      expect.stringMatching(/^region:/),
      expect.stringMatching(/^ipMode:/),
      expect.stringMatching(/^cookieDays:/),
    ]);
  });

  // One case per rule: the input, and the field the problem must name.
  it.each<[string, unknown, RegExp]>([
    ['a non-object configuration', ['allowedOrigins'], /must be a JSON object/],
    ['an unknown key (a typo)', { allowedOrigin: ['https://shop.example'] }, /^allowedOrigin: unknown setting/],
    ['a region that is not an AWS region', { region: 'Europe' }, /^region:/],
    ['allowedOrigins that is not an array', { allowedOrigins: 'https://shop.example' }, /^allowedOrigins: must be an array/],
    ['an allowed origin with a path', { allowedOrigins: ['https://shop.example/'] }, /^allowedOrigins: entries must look like/],
    ['an allowed origin without scheme', { allowedOrigins: ['shop.example'] }, /^allowedOrigins:/],
    ['a redirect host with a scheme', { allowedRedirectHosts: ['https://shop.example'] }, /^allowedRedirectHosts:/],
    ['a public origin with a path', { publicOrigin: 'https://shop.example/shop' }, /^publicOrigin:/],
    ['an unknown IP mode', { ipMode: 'partial' }, /^ipMode: must be one of/],
    ['an unknown GPC mode', { gpcMode: 'respect' }, /^gpcMode: must be one of/],
    ['a cookie lifetime above 400 days', { cookieDays: 401 }, /^cookieDays: must be an integer from 1 to 400/],
    ['a fractional retention', { retentionDays: 30.5 }, /^retentionDays:/],
    ['a negative debounce window', { debounceSeconds: -1 }, /^debounceSeconds:/],
    ['a hits max-age as a string', { hitsMaxAgeSeconds: '30' }, /^hitsMaxAgeSeconds:/],
    ['a log retention CloudWatch does not offer', { logRetentionDays: 45 }, /^logRetentionDays: must be one of/],
    ['throttling that is not an object', { throttling: 100 }, /^throttling: must be an object/],
    ['a zero rate limit', { throttling: { rateLimit: 0 } }, /^throttling: rateLimit/],
    ['a burst limit above 5000', { throttling: { burstLimit: 5001 } }, /^throttling: burstLimit/],
    ['an unknown removal policy', { removalPolicy: 'snapshot' }, /^removalPolicy: must be one of/],
    ['a trust flag as a string', { trustCloudFrontViewerAddress: 'yes' }, /^trustCloudFrontViewerAddress: must be true or false/],
    ['a site origin with a scheme', { siteOrigin: 'https://origin.shop.example' }, /^siteOrigin:/],
    ['an API prefix with two segments', { apiPathPrefix: '/_ep/v1' }, /^apiPathPrefix:/],
    ['an API prefix without the leading slash', { apiPathPrefix: '_ep' }, /^apiPathPrefix:/],
    ['an API prefix equal to the API version path', { apiPathPrefix: '/v1' }, /^apiPathPrefix must not be \/v1/],
    ['a custom domain that is not a domain name', { siteOrigin: 'origin.shop.example', domainNames: ['shop'], certificateArn: CERTIFICATE }, /^domainNames:/],
    ['a certificate outside us-east-1', { siteOrigin: 'o.shop.example', domainNames: ['shop.example'], certificateArn: CERTIFICATE.replace('us-east-1', 'eu-west-1') }, /^certificateArn:/],
    ['a regional web ACL', { siteOrigin: 'o.shop.example', webAclArn: 'arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/x/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0' }, /^webAclArn:/],
    ['an access-log flag as a string', { cloudFrontAccessLogs: 'false' }, /^cloudFrontAccessLogs:/],
    ['custom domain names without a certificate', { siteOrigin: 'o.shop.example', domainNames: ['shop.example'] }, /^domainNames needs certificateArn/],
    ['a certificate without domain names', { siteOrigin: 'o.shop.example', certificateArn: CERTIFICATE }, /^certificateArn is only used with domainNames/],
    ['distribution settings without a site origin', { domainNames: ['shop.example'], certificateArn: CERTIFICATE }, /needs siteOrigin/],
    ['forwarding that is not an object', { forwarding: [] }, /^forwarding: must be an object/],
    ['an unknown forwarding key', { forwarding: { provider: {} } }, /^forwarding: provider is unknown/],
    ['providers that is not an object', { forwarding: { providers: 'ga4' } }, /^forwarding: providers must be an object/],
    ['an unknown provider', { forwarding: { providers: { segment: {} } } }, /^forwarding: providers\.segment is not a provider/],
    ['provider options that are not an object', { forwarding: { providers: { ga4: 'G-ABC1234567' } } }, /^forwarding: providers\.ga4 must be an object/],
    ['a provider secret in plain configuration', { forwarding: { providers: { matomo: { url: 'https://m.example', siteId: 1, tokenAuth: 'x' } } } }, /providers\.matomo\.tokenAuth is a secret/],
    ['a provider secret ARN that is not one', { forwarding: { providerSecretsArn: 'edgeprint/providers' } }, /^forwarding: providerSecretsArn must look like/],
    ['a GPC forwarding flag as a string', { forwarding: { forwardGpc: 'no' } }, /^forwarding: forwardGpc must be true or false/],
    ['a deny-list entry with a comma', { forwarding: { denyParams: ['a,b'] } }, /^forwarding: denyParams entries/],
    ['an excluded path without a leading slash', { forwarding: { excludePaths: ['admin'] } }, /^forwarding: excludePaths entries/],
    ['an idempotency window under a minute', { forwarding: { idempotencyWindowSeconds: 30 } }, /^forwarding: idempotencyWindowSeconds must be an integer from 60/],
    ['a batch larger than SQS allows', { forwarding: { batchSize: 10_001 } }, /^forwarding: batchSize must be an integer from 1/],
    ['a batching window longer than SQS allows', { forwarding: { batchWindowSeconds: 301 } }, /^forwarding: batchWindowSeconds must be an integer from 0/],
    ['a batch over 10 without a window', { forwarding: { batchSize: 100, batchWindowSeconds: 0 } }, /^forwarding: batchSize above 10 needs a batchWindowSeconds/],
  ])('rejects %s', (_case, input, problem) => {
    const problems = problemsOf(input);
    expect(problems).toEqual(expect.arrayContaining([expect.stringMatching(problem)]));
  });

  describe('alarmEmail', () => {
    it('takes an e-mail address for the alarm topic', () => {
      expect(resolveSettings({ alarmEmail: 'ops@shop.example' }).alarmEmail).toBe('ops@shop.example');
      expect(resolveSettings({}).alarmEmail).toBeUndefined();
    });

    it('refuses anything that is not one e-mail address, naming the setting', () => {
      for (const bad of ['ops', 'ops@', '@shop.example', 'a b@shop.example', 'ops@shop', 42, ['ops@shop.example']]) {
        expect(() => resolveSettings({ alarmEmail: bad })).toThrow(/alarmEmail: must look like an e-mail address/);
      }
    });

    it('never throws anything but EdgeprintConfigError, whatever the value (fuzz)', () => {
      fc.assert(
        fc.property(fc.oneof(fc.string(), fc.emailAddress(), fc.anything()), (value) => {
          try {
            const settings = resolveSettings({ alarmEmail: value });
            expect(typeof settings.alarmEmail === 'string' || settings.alarmEmail === undefined).toBe(true);
          } catch (error) {
            expect(error).toBeInstanceOf(EdgeprintConfigError);
          }
        }),
      );
    });
  });

  describe('edge', () => {
    const site = { siteOrigin: 'origin.shop.example' };

    it('accepts the edge function\'s rules and the stream size', () => {
      const edge = { siteId: 'shop', includePrefixes: ['/blog'], excludePrefixes: ['/blog/drafts'], navigationOnly: false, streamShards: 2 };
      expect(resolveSettings({ ...site, edge }).edge).toEqual(edge);
    });

    // The edge function's own rule checks run at synth, so a deploy never bakes a configuration it rejects.
    it.each<[string, unknown, RegExp]>([
      ['edge that is not an object', { ...site, edge: ['/admin'] }, /^edge: must be an object/],
      ['an unknown edge key (the secret never goes in configuration)', { ...site, edge: { secret: 'x'.repeat(32) } }, /^edge: secret is unknown/],
      ['a site id with spaces', { ...site, edge: { siteId: 'my shop' } }, /^edge: siteId must be/],
      ['an exclude prefix without a leading slash', { ...site, edge: { excludePrefixes: ['admin'] } }, /^edge: excludePrefixes entries must be paths/],
      ['a navigation flag as a string', { ...site, edge: { navigationOnly: 'yes' } }, /^edge: navigationOnly must be true or false/],
      ['no shard', { ...site, edge: { streamShards: 0 } }, /^edge: streamShards must be an integer from 1 to 100/],
      ['edge settings without a site origin', { edge: { siteId: 'shop' } }, /^edge configures .* which need siteOrigin/],
    ])('rejects %s', (_case, input, problem) => {
      expect(problemsOf(input)).toEqual(expect.arrayContaining([expect.stringMatching(problem)]));
    });
  });
});

describe('settingsFromContext()', () => {
  let directory: string;
  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'edgeprint-config-'));
  });
  afterEach(() => rmSync(directory, { recursive: true, force: true }));

  const appWith = (context?: unknown) => new App(context === undefined ? {} : { context: { edgeprint: context } });

  it('uses the defaults when there is neither a file nor context', () => {
    expect(settingsFromContext(appWith(), directory).allowedOrigins).toEqual([]);
  });

  it('reads edgeprint.config.json, and context (a JSON string from -c, or an object from cdk.json) overrides it', () => {
    writeFileSync(join(directory, CONFIG_FILE), JSON.stringify({ region: 'eu-central-1', cookieDays: 7, allowedOrigins: ['https://a.example'] }));
    expect(settingsFromContext(appWith(), directory)).toEqual(expect.objectContaining({ region: 'eu-central-1', cookieDays: 7, allowedOrigins: ['https://a.example'] }));
    const fromString = settingsFromContext(appWith('{"allowedOrigins":["https://shop.example"]}'), directory);
    expect(fromString).toEqual(expect.objectContaining({ region: 'eu-central-1', cookieDays: 7, allowedOrigins: ['https://shop.example'] }));
    expect(settingsFromContext(appWith({ cookieDays: 90 }), directory).cookieDays).toBe(90);
  });

  it('names the source of invalid JSON', () => {
    writeFileSync(join(directory, CONFIG_FILE), '{ "cookieDays": 7, }');
    expect(() => settingsFromContext(appWith(), directory)).toThrow(/edgeprint\.config\.json is not valid JSON/);
    rmSync(join(directory, CONFIG_FILE));
    expect(() => settingsFromContext(appWith('{allowedOrigins:'), directory)).toThrow(/context "edgeprint" is not valid JSON/);
  });

  it('rejects a file that is not a JSON object', () => {
    writeFileSync(join(directory, CONFIG_FILE), '["https://shop.example"]');
    expect(() => settingsFromContext(appWith(), directory)).toThrow(/edgeprint\.config\.json must be a JSON object/);
  });

  it('validates what it read', () => {
    expect(() => settingsFromContext(appWith({ ipMode: 'partial' }), directory)).toThrow(/ipMode: must be one of/);
  });
});
