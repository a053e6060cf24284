import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EdgeprintConfigError, resolveSettings } from '../../../infra/lib/config';
import { EDGE_SECRET_ENV, EDGE_SECRET_FILE, edgeDefine, edgeRules, readEdgeSecret } from '../../../infra/lib/edge-build';
import { DEFAULT_EXCLUDE_PREFIXES, EDGE_CONFIG_GLOBAL, parseEdgeConfig } from '../../../layers/core/src/edge/edge-config';

const SECRET = 'Zq8vX2mN5pR7tY1uW3kL9aB4cD6eF0gH2jK4lM6nP8qR0sT2';

describe('readEdgeSecret()', () => {
  let directory: string;
  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'edgeprint-edge-secret-'));
  });
  afterEach(() => rmSync(directory, { recursive: true, force: true }));

  const writeSecretFile = (text: string) => {
    mkdirSync(join(directory, '.edgeprint'), { recursive: true });
    writeFileSync(join(directory, EDGE_SECRET_FILE), text);
  };

  it('reads .edgeprint/edge-secret, without the newline the AWS CLI writes', () => {
    writeSecretFile(`${SECRET}\n`);
    expect(readEdgeSecret(directory, {})).toBe(SECRET);
  });

  it('prefers EDGEPRINT_EDGE_SECRET to the file', () => {
    writeSecretFile('from-the-file-of-sixteen-plus');
    expect(readEdgeSecret(directory, { [EDGE_SECRET_ENV]: SECRET })).toBe(SECRET);
  });

  it('falls back to the file when the variable is blank', () => {
    writeSecretFile(SECRET);
    expect(readEdgeSecret(directory, { [EDGE_SECRET_ENV]: '  ' })).toBe(SECRET);
  });

  it('gives undefined without the variable and the file, or with an empty file', () => {
    expect(readEdgeSecret(directory, {})).toBeUndefined();
    writeSecretFile('\n');
    expect(readEdgeSecret(directory, {})).toBeUndefined();
  });
});

describe('edgeRules()', () => {
  it('defaults to cookie mode, every path, navigations only, the default exclusions and the API prefix', () => {
    const rules = edgeRules(resolveSettings({ siteOrigin: 'origin.shop.example', apiPathPrefix: '/_t' }));
    expect(rules).toEqual({
      siteId: 'default',
      privacyMode: 'cookie',
      includePrefixes: [],
      excludePrefixes: [...DEFAULT_EXCLUDE_PREFIXES, '/_t'],
      navigationOnly: true,
    });
  });

  it('takes the edge settings and the deployment\'s privacy mode, and always excludes the API prefix once', () => {
    const rules = edgeRules(
      resolveSettings({
        siteOrigin: 'origin.shop.example',
        privacyMode: 'cookieless',
        edge: { siteId: 'shop', includePrefixes: ['/blog'], excludePrefixes: ['/blog/drafts', '/_ep'], navigationOnly: false },
      }),
    );
    expect(rules).toEqual({ siteId: 'shop', privacyMode: 'cookieless', includePrefixes: ['/blog'], excludePrefixes: ['/blog/drafts', '/_ep'], navigationOnly: false });
  });
});

describe('edgeDefine()', () => {
  const settings = resolveSettings({ siteOrigin: 'origin.shop.example', edge: { siteId: 'shop' } });

  it('bakes the rules and the secret into the one global the edge bundle reads', () => {
    const define = edgeDefine(settings, SECRET);
    expect(Object.keys(define ?? {})).toEqual([EDGE_CONFIG_GLOBAL]);
    expect(parseEdgeConfig(JSON.parse(define![EDGE_CONFIG_GLOBAL]!))).toEqual({ ...edgeRules(settings), secret: SECRET });
  });

  it('bakes nothing without a secret', () => {
    expect(edgeDefine(settings, undefined)).toBeUndefined();
  });

  it('fails the build on a secret too short to key the hash, saying where the secret comes from', () => {
    expect(() => edgeDefine(settings, 'too-short')).toThrow(EdgeprintConfigError);
    expect(() => edgeDefine(settings, 'too-short')).toThrow(/EDGEPRINT_EDGE_SECRET.*secret must be a string of at least 16 characters/s);
  });
});
