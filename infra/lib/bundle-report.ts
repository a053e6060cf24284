import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Stage } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Asset } from 'aws-cdk-lib/aws-s3-assets';
import type { IConstruct } from 'constructs';
import { CORE_MODULE_PATH, CoreLayer } from './constructs/core-layer';
import { EdgeprintDistribution } from './constructs/edgeprint-distribution';
import { EdgeprintFunction } from './constructs/edgeprint-function';

/** Size goals from the deployment issue (minified bytes of the bundle's `index.js`). */
export const BUNDLE_BUDGETS = {
  regional: 150 * 1024,
  edge: 50 * 1024,
  /**
   * The core layer holds the domain plus zod, the AWS SDK clients, Powertools logger, middy, isbot
   * and ipaddr.js (about 0.9 MiB). 1.25 MiB leaves room for a few SDK clients or small libraries
   * and fails on a heavy one (a second schema library, the full SDK, an unshaken dependency).
   */
  layer: 1.25 * 1024 * 1024,
} as const;

export interface BundleInfo {
  /** `collect`, `forwarder`, `edge`, `core-layer`… */
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
 * each regional function, the Lambda@Edge function and the core layer.
 * @example for (const bundle of bundleReport(app)) console.log(bundle.name, bundle.bytes)
 */
export function bundleReport(root: IConstruct): BundleInfo[] {
  const bundles: BundleInfo[] = [];
  for (const construct of root.node.findAll()) {
    if (construct instanceof EdgeprintFunction) {
      bundles.push(describe(construct.entryName, 'regional', stagedDirectory(construct), 'index.js'));
    } else if (construct instanceof EdgeprintDistribution) {
      bundles.push(describe('edge', 'edge', stagedDirectory(construct.viewerRequest.lambda as lambda.Function), 'index.js'));
    } else if (construct instanceof CoreLayer) {
      bundles.push(describe('core-layer', 'layer', stagedDirectory(construct.layer), join(CORE_MODULE_PATH, 'index.js')));
    }
  }
  return bundles;
}
