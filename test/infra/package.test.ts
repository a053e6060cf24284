import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The installable construct (issue 12, point 5): `npm pack` of this repo, installed into a fresh
 * directory with aws-cdk-lib and constructs (from the npm registry, the one network this test uses;
 * no mock), then a plain JavaScript CDK app using `new Edgeprint(...)` from `edgeprint/infra` is
 * synthesized with `node`. The function code is bundled from the package's own sources at synth.
 * Slow (pack, install, bundle: about 3 minutes), so it runs once for the whole file.
 */

const REPO = join(__dirname, '..', '..');
const versionOf = (name: string): string => (JSON.parse(readFileSync(join(REPO, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;

let work: string;
let app: string;
let tarball: string;
let template: { Resources: Record<string, { Type: string; Properties: Record<string, any> }> };

jest.setTimeout(15 * 60_000);

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'edgeprint-pack-'));
  const run = (command: string, args: string[], cwd: string) =>
    execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 10 * 60_000, env: { ...process.env, npm_config_update_notifier: 'false' } });
  // `npm pack` runs `prepack`: the compiled JavaScript and declarations into dist/.
  const packed = run('npm', ['pack', '--pack-destination', work, '--silent'], REPO).trim().split('\n').pop()!;
  tarball = join(work, packed);
  app = join(work, 'app');
  execFileSync('mkdir', [app]);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'shop-infra', private: true }));
  run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', tarball, `aws-cdk-lib@${versionOf('aws-cdk-lib')}`, `constructs@${versionOf('constructs')}`], app);
  writeFileSync(
    join(app, 'app.js'),
    [
      "const { App, Stack } = require('aws-cdk-lib');",
      "const { Edgeprint } = require('edgeprint/infra');",
      "const app = new App({ outdir: 'cdk.out' });",
      "const stack = new Stack(app, 'Shop', { env: { region: 'eu-west-1' } });",
      "new Edgeprint(stack, 'Edgeprint', { allowedOrigins: ['https://shop.example'], allowedRedirectHosts: ['shop.example'], alarmEmail: 'ops@shop.example' });",
      'app.synth();',
    ].join('\n'),
  );
  run(process.execPath, ['app.js'], app);
  template = JSON.parse(readFileSync(join(app, 'cdk.out', 'Shop.template.json'), 'utf8'));
});

afterAll(() => {
  if (work !== undefined) rmSync(work, { recursive: true, force: true });
});

const ofType = (type: string) => Object.values(template.Resources).filter((resource) => resource.Type === type);

describe('the packed edgeprint package', () => {
  it('ships edgeprint/infra and edgeprint/v1 as compiled JavaScript with type declarations, and no tests', () => {
    const files = execFileSync('tar', ['tzf', tarball], { encoding: 'utf8' }).split('\n');
    for (const file of ['dist/infra/index.js', 'dist/infra/index.d.ts', 'dist/layers/core/src/v1.js', 'dist/layers/core/src/v1.d.ts', 'functions/collect/handler.ts']) {
      expect({ file, packed: files.includes(`package/${file}`) }).toEqual({ file, packed: true });
    }
    expect(files.filter((file) => file.startsWith('package/test/') || file.includes('.test.'))).toEqual([]);
    const v1 = execFileSync(process.execPath, ['-e', "console.log(Object.keys(require('edgeprint/v1')).join(','))"], { cwd: app, encoding: 'utf8' });
    expect(v1.trim().split(',')).toEqual(expect.arrayContaining(['fingerprint', 'recordRequest', 'createClient']));
  });

  it('synthesizes a plain JavaScript CDK app: the table and its stream pipe, the functions (each its own bundle, no layer), the API, alarms and the dashboard', () => {
    expect(ofType('AWS::DynamoDB::Table').length).toBeGreaterThanOrEqual(1);
    expect(ofType('AWS::Pipes::Pipe')).toHaveLength(1);
    expect(ofType('AWS::Lambda::LayerVersion')).toHaveLength(0);
    const functions = ofType('AWS::Lambda::Function');
    expect(functions.length).toBeGreaterThan(10);
    for (const fn of functions) expect(fn.Properties.Layers).toBeUndefined();
    expect(ofType('AWS::ApiGatewayV2::Api')).toHaveLength(1);
    expect(ofType('AWS::CloudWatch::Alarm').length).toBeGreaterThan(10);
    expect(ofType('AWS::CloudWatch::Dashboard')).toHaveLength(1);
    expect(ofType('AWS::SNS::Subscription')).toEqual([expect.objectContaining({ Properties: expect.objectContaining({ Endpoint: 'ops@shop.example' }) })]);
  });

  it('bundles the function code from the package sources at synth, the snippet and dashboard files included', () => {
    const assets = readdirSync(join(app, 'cdk.out')).filter((entry) => entry.startsWith('asset.'));
    const contents = assets.map((asset) => readdirSync(join(app, 'cdk.out', asset)));
    expect(contents.filter((files) => files.includes('index.js')).length).toBeGreaterThan(10);
    expect(contents.some((files) => files.includes('snippet.js'))).toBe(true);
    expect(contents.some((files) => files.includes('app.js') && files.includes('app.css'))).toBe(true);
    // One bundle per function: no layer directory anywhere.
    expect(contents.some((files) => files.includes('nodejs'))).toBe(false);
  });
});
