import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { buildDirectory, bundleFile } from '../bundling';
import { packageRoot } from '../package-root';

/** How handlers import the core; the layer puts it where Node.js finds it (/opt/nodejs/node_modules). */
export const CORE_MODULE = '@edgeprint/core';
export const CORE_ENTRY = join(packageRoot(__dirname), 'layers', 'core', 'src', 'index.ts');
/** The layer's module directory, relative to the layer root. */
export const CORE_MODULE_PATH = join('nodejs', 'node_modules', ...CORE_MODULE.split('/'));

/**
 * Builds the layer tree into `directory`: `nodejs/node_modules/@edgeprint/core/index.js` (the core
 * and all its runtime dependencies, the AWS SDK clients included, in one minified file, with its
 * source map) and a `package.json` pointing at it. Returns the bundle's path.
 */
export function buildCoreLayer(directory: string): string {
  const moduleDirectory = join(directory, CORE_MODULE_PATH);
  mkdirSync(moduleDirectory, { recursive: true });
  const outfile = join(moduleDirectory, 'index.js');
  bundleFile({ entry: CORE_ENTRY, outfile, target: 'node22', sourcemap: true });
  writeFileSync(join(moduleDirectory, 'package.json'), `${JSON.stringify({ name: CORE_MODULE, private: true, main: 'index.js' }, null, 2)}\n`);
  return outfile;
}

/**
 * The domain core and its shared runtime dependencies as one LayerVersion, built with esbuild at
 * synth time. Regional functions leave `@edgeprint/core` out of their bundles and load it from here.
 * @example const core = new CoreLayer(this, 'CoreLayer')
 */
export class CoreLayer extends Construct {
  readonly layer: lambda.LayerVersion;
  /** The built `index.js`, for size reports. */
  readonly bundlePath: string;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const directory = buildDirectory(this, 'core-layer');
    this.bundlePath = buildCoreLayer(directory);
    this.layer = new lambda.LayerVersion(this, 'Layer', {
      code: lambda.Code.fromAsset(directory),
      description: 'edgeprint core: domain, store, HTTP boundary and their runtime dependencies',
      compatibleArchitectures: [lambda.Architecture.ARM_64, lambda.Architecture.X86_64],
    });
  }
}
