import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Stage } from 'aws-cdk-lib';
import { buildSync, type Metafile } from 'esbuild';
import type { Construct } from 'constructs';
import { EDGE_ESBUILD_TARGET } from './lambda-edge-limits';
import { packageRoot } from './package-root';

/**
 * A fresh directory for a construct's build output, inside the cloud assembly directory (cdk.out
 * for the CLI, a temporary directory in tests), so synth leaves nothing elsewhere.
 */
export function buildDirectory(scope: Construct, name: string): string {
  const outdir = Stage.of(scope)?.outdir;
  if (outdir === undefined) throw new Error(`${scope.node.path} must be inside a CDK App or Stage to build ${name}`);
  const directory = join(outdir, '.build', `${name}-${scope.node.addr}`);
  rmSync(directory, { recursive: true, force: true });
  mkdirSync(directory, { recursive: true });
  return directory;
}

/**
 * Module substitutions for every regional bundle (esbuild `alias`, absolute paths so they resolve
 * from an installed package too): `@aws-sdk/credential-provider-node`, the SDK's default chain,
 * becomes the environment provider alone, which is where Lambda puts the role's credentials.
 */
export const LAMBDA_SDK_ALIASES: Readonly<Record<string, string>> = {
  '@aws-sdk/credential-provider-node': join(packageRoot(__dirname), 'layers', 'core', 'src', 'aws', 'lambda-credentials.ts'),
};

export interface BundleOptions {
  readonly entry: string;
  readonly outfile: string;
  /** esbuild target, e.g. `node22`. */
  readonly target: string;
  readonly sourcemap: boolean;
  /** Modules left to `require` at run time. */
  readonly external?: readonly string[];
  /** Build-time constants (esbuild `define`), e.g. the Lambda@Edge configuration. */
  readonly define?: Readonly<Record<string, string>>;
  /** Module substitutions (esbuild `alias`), e.g. LAMBDA_SDK_ALIASES. */
  readonly alias?: Readonly<Record<string, string>>;
}

/**
 * One minified CommonJS file for Node.js with esbuild's synchronous API (CDK constructs build
 * during construction). Module-first `mainFields`, as for the NodejsFunction bundles.
 */
export function bundleFile(options: BundleOptions): Metafile {
  const result = buildSync({
    entryPoints: [options.entry],
    outfile: options.outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: options.target,
    minify: true,
    sourcemap: options.sourcemap,
    sourcesContent: false,
    mainFields: ['module', 'main'],
    external: [...(options.external ?? [])],
    define: { ...options.define },
    alias: { ...options.alias },
    legalComments: 'none',
    metafile: true,
    logLevel: 'silent',
  });
  return result.metafile;
}

/** The Lambda@Edge handler's entry (bundled alone: Lambda@Edge has no layers). */
export const EDGE_HANDLER_ENTRY = join(packageRoot(__dirname), 'functions', 'edge', 'handler.ts');

/**
 * The Lambda@Edge bundle exactly as deployed: no layer, no source map, its configuration baked in by
 * `define`. The distribution, the bundle-size test and the edge benchmark all build it here.
 * @example bundleEdgeHandler('/tmp/edge.js', edgeConfigDefine(config))
 */
export function bundleEdgeHandler(outfile: string, define?: Readonly<Record<string, string>>): Metafile {
  return bundleFile({ entry: EDGE_HANDLER_ENTRY, outfile, target: EDGE_ESBUILD_TARGET, sourcemap: false, define });
}
