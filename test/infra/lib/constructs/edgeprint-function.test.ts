import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { EdgeprintFunction, SOURCE_MAPS_CONTEXT } from '../../../../infra/lib/constructs/edgeprint-function';

/** One function in its own stack, with the given CDK context; returns its environment and bundle. */
function synthesize(context: Record<string, unknown>) {
  const outdir = mkdtempSync(join(tmpdir(), 'edgeprint-function-'));
  try {
    const app = new App({ outdir, context });
    const stack = new Stack(app, 'Test', { env: { region: 'eu-west-1' } });
    const fn = new EdgeprintFunction(stack, 'Hits', { name: 'hits' });
    const properties = Template.fromStack(stack).toJSON().Resources[stack.getLogicalId(fn.node.defaultChild as never)].Properties;
    app.synth();
    const assets = readdirSync(outdir).filter((name) => name.startsWith('asset.'));
    const bundleDir = assets.map((name) => join(outdir, name)).find((dir) => readdirSync(dir).includes('index.js'))!;
    return { variables: properties.Environment.Variables as Record<string, string>, files: readdirSync(bundleDir), source: readFileSync(join(bundleDir, 'index.js'), 'utf8') };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

describe('EdgeprintFunction', () => {
  it('deploys the source map beside the bundle but leaves it off at run time (it costs a fifth of a cold start)', () => {
    const { variables, files } = synthesize({});
    expect(variables.NODE_OPTIONS).toBeUndefined();
    expect(files.sort()).toEqual(['index.js', 'index.js.map']);
  });

  it(`turns source maps on with the ${SOURCE_MAPS_CONTEXT} context`, () => {
    expect(synthesize({ [SOURCE_MAPS_CONTEXT]: 'true' }).variables.NODE_OPTIONS).toBe('--enable-source-maps');
    expect(synthesize({ [SOURCE_MAPS_CONTEXT]: true }).variables.NODE_OPTIONS).toBe('--enable-source-maps');
  });

  it("bundles the environment credential provider in place of the SDK's default chain", () => {
    const { source } = synthesize({});
    expect(source).toContain('AWS_SESSION_TOKEN');
    expect(source).not.toContain('AWS_WEB_IDENTITY_TOKEN_FILE');
  });
});
