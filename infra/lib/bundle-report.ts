import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Stage } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Asset } from 'aws-cdk-lib/aws-s3-assets';
import type { IConstruct } from 'constructs';
import { EdgeprintDistribution } from './constructs/edgeprint-distribution';
import { EdgeprintFunction } from './constructs/edgeprint-function';

/** Size goals from the deployment issue (minified bytes of the bundle's `index.js`). */
export const BUNDLE_BUDGETS = {
  /**
   * Each regional function is bundled alone with what it reaches: the AWS SDK clients it uses (about
   * 300 KiB of the SDK's shared core and credential chain), Powertools logger, middy, valibot and its
   * own part of the core (HTTP functions 350 to 520 KiB). The forwarder adds zod (about 440 KiB,
   * its message and provider parsing) and Powertools batch and idempotency: about 960 KiB. 1 MiB
   * fails on a heavy addition (the full SDK, an unshaken dependency); zod in an HTTP function is
   * caught by name in test/infra/lib/stacks.test.ts.
   */
  regional: 1024 * 1024,
  edge: 50 * 1024,
} as const;

export interface BundleInfo {
  /** `collect`, `forwarder`, `edge`… */
  readonly name: string;
  readonly kind: keyof typeof BUNDLE_BUDGETS;
  /** Absolute path of the staged `index.js` in the cloud assembly. */
  readonly file: string;
  /** The staged asset directory (what is zipped and uploaded). */
  readonly directory: string;
  readonly bytes: number;
  readonly gzipBytes: number;
}

function stagedDirectory(scope: IConstruct): string {
  const asset = scope.node.tryFindChild('Code');
  if (!(asset instanceof Asset)) throw new Error(`${scope.node.path} has no asset code`);
  if (isAbsolute(asset.assetPath)) return asset.assetPath;
  const outdir = Stage.of(scope)?.outdir;
  if (outdir === undefined) throw new Error(`${scope.node.path} is not in a CDK App`);
  return join(outdir, asset.assetPath);
}

function describe(name: string, kind: BundleInfo['kind'], directory: string, relativeFile: string): BundleInfo {
  const file = join(directory, relativeFile);
  const code = readFileSync(file);
  return { name, kind, file, directory, bytes: code.length, gzipBytes: gzipSync(code, { level: 9 }).length };
}

/**
 * Every bundle edgeprint deploys under `root` (an App or a Stack), read from the staged assets:
 * each regional function and the Lambda@Edge function.
 * @example for (const bundle of bundleReport(app)) console.log(bundle.name, bundle.bytes)
 */
export function bundleReport(root: IConstruct): BundleInfo[] {
  const bundles: BundleInfo[] = [];
  for (const construct of root.node.findAll()) {
    if (construct instanceof EdgeprintFunction) {
      bundles.push(describe(construct.entryName, 'regional', stagedDirectory(construct), 'index.js'));
    } else if (construct instanceof EdgeprintDistribution) {
      bundles.push(describe('edge', 'edge', stagedDirectory(construct.viewerRequest.lambda as lambda.Function), 'index.js'));
    }
  }
  return bundles;
}
