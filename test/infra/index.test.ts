import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Edgeprint } from '../../infra/index';
import * as published from 'edgeprint/infra';
import { ROUTES } from '../../infra/routes';
import { newApp, unacknowledgedNagFindings } from './synth-app';

describe('edgeprint/infra', () => {
  it('is the package export of infra/index.ts, compiled to the file package.json exports', () => {
    expect(published.Edgeprint).toBe(Edgeprint);
    const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { exports: Record<string, { default: string; types: string }> };
    const build = JSON.parse(readFileSync(join(__dirname, '..', '..', 'tsconfig.build.json'), 'utf8')) as { compilerOptions: { outDir: string }; files: string[] };
    // tsconfig.build.json compiles infra/index.ts to <outDir>/infra/index.js: the file the export names.
    expect(build.files).toContain('infra/index.ts');
    expect(pkg.exports['./infra']).toEqual({ types: `./${build.compilerOptions.outDir}/infra/index.d.ts`, default: `./${build.compilerOptions.outDir}/infra/index.js` });
    expect(build.files).toContain('layers/core/src/v1.ts');
    expect(pkg.exports['./v1']).toEqual({ types: `./${build.compilerOptions.outDir}/layers/core/src/v1.d.ts`, default: `./${build.compilerOptions.outDir}/layers/core/src/v1.js` });
  });

  it('adds the whole service to a fresh stack of another app in a few lines', () => {
    const app = newApp();
    const stack = new Stack(app, 'SomeoneElsesStack');
    const edgeprint = new Edgeprint(stack, 'Analytics', {
      allowedOrigins: ['https://shop.example'],
      allowedRedirectHosts: ['shop.example'],
    });
    const assembly = app.synth();

    expect(assembly.getStackByName('SomeoneElsesStack').template).toBeDefined();
    const template = Template.fromStack(stack);
    const routeKeys = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map((route) => route.Properties.RouteKey);
    expect(routeKeys.sort()).toEqual(ROUTES.map((route) => `ANY ${route.path}`).sort());
    template.hasResourceProperties('AWS::DynamoDB::Table', { BillingMode: 'PAY_PER_REQUEST' });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', { FunctionResponseTypes: ['ReportBatchItemFailures'] });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ EDGEPRINT_ALLOWED_ORIGINS: 'https://shop.example' }) },
    });
    // Without siteOrigin there is no distribution, so the stack may stay environment-agnostic.
    template.resourceCountIs('AWS::CloudFront::Distribution', 0);
    expect(edgeprint.distribution).toBeUndefined();
    expect(unacknowledgedNagFindings(app)).toEqual([]);
  });
});
