import { readFileSync } from 'node:fs';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { EdgeprintConfigError, resolveSettings } from '../../../infra/lib/config';
import { Edgeprint, ROUTE_ACCESS, runtimeEnvironment } from '../../../infra/lib/edgeprint';
import { ROUTES } from '../../../infra/routes';
import { loadConfig } from '../../../layers/core/src/config';
import { cdkJsonContext, logicalIdOf, newApp } from '../synth-app';

describe('runtimeEnvironment()', () => {
  it('produces variables the core runtime reads back as the same configuration', () => {
    const settings = resolveSettings({
      allowedOrigins: ['https://shop.example', 'https://www.shop.example'],
      allowedRedirectHosts: ['shop.example:8443'],
      publicOrigin: 'https://shop.example',
      ipMode: 'none',
      gpcMode: 'drop',
      cookieDays: 7,
      retentionDays: 30,
      debounceSeconds: 5,
      hitsMaxAgeSeconds: 60,
      siteOrigin: 'origin.shop.example',
    });
    const config = loadConfig({ ...runtimeEnvironment(settings), EDGEPRINT_TABLE: 'edgeprint', EDGEPRINT_SECRET: 'a-secret-of-at-least-sixteen' });
    expect(config).toEqual(
      expect.objectContaining({
        allowedOrigins: ['https://shop.example', 'https://www.shop.example'],
        allowedRedirectHosts: ['shop.example:8443'],
        publicOrigin: 'https://shop.example',
        ipMode: 'none',
        gpcMode: 'drop',
        sessionCookieDays: 7,
        retentionDays: 30,
        debounceSeconds: 5,
        hitsMaxAgeSeconds: 60,
        trustCloudFrontViewerAddress: true,
      }),
    );
  });

  it('leaves empty lists and an unset public origin out, and never carries the secret', () => {
    const environment = runtimeEnvironment(resolveSettings({}));
    expect(environment).not.toHaveProperty('EDGEPRINT_ALLOWED_ORIGINS');
    expect(environment).not.toHaveProperty('EDGEPRINT_REDIRECT_HOSTS');
    expect(environment).not.toHaveProperty('EDGEPRINT_PUBLIC_ORIGIN');
    expect(Object.keys(environment).filter((name) => name.includes('SECRET'))).toEqual([]);
  });
});

describe('Edgeprint', () => {
  it('lists the access of every route of infra/routes.ts', () => {
    expect(Object.keys(ROUTE_ACCESS).sort()).toEqual(ROUTES.map((route) => route.functionName).sort());
  });

  it('validates its props before building anything and reports all problems in one error', () => {
    const stack = new Stack(newApp(), 'Invalid');
    let thrown: unknown;
    try {
      new Edgeprint(stack, 'Edgeprint', { cookieDays: 0, allowedOrigins: ['shop.example'] });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(EdgeprintConfigError);
    expect((thrown as EdgeprintConfigError).problems).toEqual([expect.stringMatching(/^allowedOrigins:/), expect.stringMatching(/^cookieDays:/)]);
    expect(stack.node.children.map((child) => child.node.id)).toEqual([]);
  });

  it('with siteOrigin in one stack: records the site behaviour through its own stream and bakes the edge secret into the edge function only', () => {
    // Regional bundling skipped (CDK's bundling-stacks context): only the wiring is under test here.
    const app = new App({ context: { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [] } });
    const stack = new Stack(app, 'Site', { env: { region: 'us-east-1' } });
    const secret = 'p4Lk8Wm2Xn6Qr9Tv3Yb7Zc1Hd5Jf0Gs';
    const edgeprint = new Edgeprint(stack, 'Edgeprint', { siteOrigin: 'origin.shop.example', edgeSecret: secret });
    const template = Template.fromStack(stack);
    const config = Object.values(template.findResources('AWS::CloudFront::Distribution'))[0]?.Properties.DistributionConfig;
    expect(config.DefaultCacheBehavior.RealtimeLogConfigArn).toEqual({ Ref: logicalIdOf(edgeprint.edgeRecording!.realtimeLogConfig) });
    expect(JSON.stringify(template.toJSON())).not.toContain(secret);
    expect(readFileSync(edgeprint.distribution!.edgeBundlePath, 'utf8')).toContain(secret);
  });

  it('without siteOrigin builds no recording path', () => {
    const app = new App({ context: { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [] } });
    const edgeprint = new Edgeprint(new Stack(app, 'ApiOnly'), 'Edgeprint', {});
    expect(edgeprint.edgeRecording).toBeUndefined();
  });
});

describe('runtimeEnvironment() for the users and privacy settings', () => {
  it('passes privacy mode, JA4, retention per type and bearer-token settings through to the runtime configuration', () => {
    const settings = resolveSettings({
      privacyMode: 'cookieless',
      fingerprintJa4: true,
      retention: { sessions: 30, events: 400 },
      jwt: { jwksUrl: 'https://id.shop.example/.well-known/jwks.json', issuer: 'https://id.shop.example/', audience: ['edgeprint', 'shop'], secretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:edgeprint/jwt-AbCdEf' },
    });
    const environment = runtimeEnvironment(settings);
    expect(Object.values(environment).join(' ')).not.toContain('secretsmanager');
    const config = loadConfig({ ...environment, EDGEPRINT_TABLE: 'edgeprint', EDGEPRINT_SECRET: 'a-secret-of-at-least-sixteen', EDGEPRINT_JWT_SECRET: 'x'.repeat(32) });
    expect(config).toMatchObject({
      privacyMode: 'cookieless',
      fingerprintJa4: true,
      retention: { sessions: 30, fingerprints: 395, markers: 395, devices: 395, events: 400, activity: 760 },
      jwt: { jwksUrl: 'https://id.shop.example/.well-known/jwks.json', issuer: 'https://id.shop.example/', audience: ['edgeprint', 'shop'] },
    });
  });

  it('refuses unknown retention types, out-of-range days and a JWT setting without a key source', () => {
    let thrown: unknown;
    try {
      resolveSettings({ privacyMode: 'sometimes', retention: { forever: 1, sessions: 0 }, jwt: { issuer: 'x', jwksUrl: 'http://id.example/jwks' }, fingerprintJa4: 'yes' });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(EdgeprintConfigError);
    const problems = (thrown as EdgeprintConfigError).problems.join('\n');
    expect(problems).toMatch(/privacyMode: must be one of "cookie", "cookieless"/);
    expect(problems).toMatch(/retention: forever is not an item type.*sessions must be an integer from 1 to 760/);
    expect(problems).toMatch(/jwt: jwksUrl must be an https URL/);
    expect(problems).toMatch(/fingerprintJa4: must be true or false/);
    expect(() => resolveSettings({ jwt: { issuer: 'https://id.example/' } })).toThrow(/jwt: needs jwksUrl or secretArn/);
  });
});
