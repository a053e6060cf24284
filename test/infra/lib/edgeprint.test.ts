import { Stack } from 'aws-cdk-lib';
import { EdgeprintConfigError, resolveSettings } from '../../../infra/lib/config';
import { Edgeprint, ROUTE_ACCESS, runtimeEnvironment } from '../../../infra/lib/edgeprint';
import { ROUTES } from '../../../infra/routes';
import { loadConfig } from '../../../layers/core/src/config';
import { newApp } from '../synth-app';

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
});
