import { ConfigError } from '../../../../layers/core/src/errors';
import { DEFAULT_EXCLUDE_PREFIXES, edgeConfigDefine, edgeRulesOf, parseEdgeConfig, parseEdgeRules } from '../../../../layers/core/src/edge/edge-config';
import { loadBakedEdgeConfig } from '../../../../layers/core/src/edge/baked-config';

const SECRET = 'edge-test-secret-of-32-characters!';

describe('parseEdgeConfig()', () => {
  it('fills the defaults: cookie mode, navigations only, /admin /feed /_ep excluded', () => {
    expect(parseEdgeConfig({ secret: SECRET })).toEqual({
      secret: SECRET,
      siteId: 'default',
      privacyMode: 'cookie',
      includePrefixes: [],
      excludePrefixes: DEFAULT_EXCLUDE_PREFIXES,
      navigationOnly: true,
    });
    expect(DEFAULT_EXCLUDE_PREFIXES).toEqual(['/admin', '/feed', '/_ep']);
  });

  it('collects every problem into one ConfigError', () => {
    let error: unknown;
    try {
      parseEdgeConfig({ secret: 'short', privacyMode: 'sometimes', siteId: 'has space', excludePrefixes: ['admin'], navigationOnly: 'yes' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    for (const part of ['secret', 'privacyMode', 'siteId', 'excludePrefixes', 'navigationOnly']) expect(message).toContain(part);
  });

  it('rejects what is not an object', () => {
    for (const raw of [null, 'x', 3, []]) expect(() => parseEdgeConfig(raw)).toThrow(ConfigError);
  });
});

describe('parseEdgeRules()', () => {
  it('needs no secret and keeps given prefixes', () => {
    expect(parseEdgeRules({ privacyMode: 'cookieless', includePrefixes: ['/blog'] })).toMatchObject({ privacyMode: 'cookieless', includePrefixes: ['/blog'] });
  });
});

describe('edgeRulesOf()', () => {
  it('drops the secret', () => {
    expect(edgeRulesOf(parseEdgeConfig({ secret: SECRET }))).not.toHaveProperty('secret');
  });
});

describe('edgeConfigDefine()', () => {
  it('gives an esbuild define entry holding the validated configuration as a JavaScript literal', () => {
    const define = edgeConfigDefine({ secret: SECRET, siteId: 'shop' });
    expect(Object.keys(define)).toEqual(['__EDGEPRINT_EDGE_CONFIG__']);
    expect(JSON.parse(define.__EDGEPRINT_EDGE_CONFIG__!)).toMatchObject({ secret: SECRET, siteId: 'shop', privacyMode: 'cookie' });
  });

  it('refuses an invalid configuration at build time', () => {
    expect(() => edgeConfigDefine({ secret: 'short' })).toThrow(ConfigError);
  });
});

describe('loadBakedEdgeConfig()', () => {
  const global = globalThis as Record<string, unknown>;
  afterEach(() => {
    delete global.__EDGEPRINT_EDGE_CONFIG__;
  });

  it('reports a missing configuration instead of throwing', () => {
    expect(loadBakedEdgeConfig()).toEqual({ ok: false, error: 'no edge configuration was baked into this build' });
  });

  it('validates what was baked', () => {
    global.__EDGEPRINT_EDGE_CONFIG__ = { secret: SECRET };
    expect(loadBakedEdgeConfig()).toMatchObject({ ok: true, config: { secret: SECRET } });
    global.__EDGEPRINT_EDGE_CONFIG__ = { secret: 'short' };
    expect(loadBakedEdgeConfig()).toMatchObject({ ok: false });
  });
});
