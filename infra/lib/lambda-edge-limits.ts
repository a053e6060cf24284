import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';

/**
 * What Lambda@Edge accepts, from the CloudFront developer guide ("Restrictions on Lambda@Edge" and
 * "Quotas on Lambda@Edge", read 2026-12). CloudFront refuses a function association breaking any of
 * these only at deploy time (`InvalidLambdaFunctionAssociation`); `cdk synth` checks them first.
 */
export const LAMBDA_EDGE_LIMITS = {
  /** The newest Node.js runtime the restrictions page lists (Node.js 22, 20, 18, …). */
  runtimes: ['nodejs22.x', 'nodejs20.x', 'nodejs18.x'],
  /** arm64 is not supported at the edge. */
  architecture: 'x86_64',
  viewer: { maxMemoryMb: 128, maxTimeoutSeconds: 5, maxZippedBytes: 1024 * 1024 },
  origin: { maxMemoryMb: 10240, maxTimeoutSeconds: 30, maxZippedBytes: 50 * 1024 * 1024 },
} as const;

/** The esbuild target of the edge bundle: the language level of the newest runtime above. */
export const EDGE_ESBUILD_TARGET = 'node22';

/** Which CloudFront events the function is associated with: viewer triggers have the tighter quotas. */
export type LambdaEdgeTrigger = 'viewer' | 'origin';

/** The CloudFormation properties of an `AWS::Lambda::Function` that Lambda@Edge restricts (resolved). */
export interface LambdaEdgeFunctionShape {
  readonly Runtime?: unknown;
  readonly Architectures?: unknown;
  readonly MemorySize?: unknown;
  readonly Timeout?: unknown;
  readonly Environment?: unknown;
  readonly Layers?: unknown;
  readonly TracingConfig?: unknown;
  readonly VpcConfig?: unknown;
  readonly DeadLetterConfig?: unknown;
  readonly FileSystemConfigs?: unknown;
  readonly PackageType?: unknown;
}

const present = (value: unknown): boolean =>
  value !== undefined && value !== null && !(Array.isArray(value) && value.length === 0) && !(typeof value === 'object' && Object.keys(value).length === 0);

/**
 * Every Lambda@Edge restriction a function breaks, as sentences (empty: deployable). `zippedBytes` is
 * the code package's deflated size (`zippedSize()` of the asset directory).
 * @example lambdaEdgeProblems(template.Resources.Fn.Properties, 'viewer', zippedSize(bundleDirectory)) // []
 */
export function lambdaEdgeProblems(fn: LambdaEdgeFunctionShape, trigger: LambdaEdgeTrigger, zippedBytes?: number): string[] {
  const limits = LAMBDA_EDGE_LIMITS[trigger];
  const problems: string[] = [];
  if (!(LAMBDA_EDGE_LIMITS.runtimes as readonly unknown[]).includes(fn.Runtime)) {
    problems.push(`runtime ${String(fn.Runtime)} is not one Lambda@Edge supports (${LAMBDA_EDGE_LIMITS.runtimes.join(', ')})`);
  }
  const architectures = Array.isArray(fn.Architectures) ? fn.Architectures : [LAMBDA_EDGE_LIMITS.architecture];
  if (architectures.some((architecture) => architecture !== LAMBDA_EDGE_LIMITS.architecture)) {
    problems.push(`architecture ${architectures.join(', ')}: Lambda@Edge runs ${LAMBDA_EDGE_LIMITS.architecture} only`);
  }
  // Lambda's defaults (128 MB, 3 s) apply when the properties are absent.
  const memory = typeof fn.MemorySize === 'number' ? fn.MemorySize : 128;
  if (memory > limits.maxMemoryMb) problems.push(`memory ${memory} MB is above the ${trigger} trigger limit of ${limits.maxMemoryMb} MB`);
  const timeout = typeof fn.Timeout === 'number' ? fn.Timeout : 3;
  if (timeout > limits.maxTimeoutSeconds) problems.push(`timeout ${timeout} s is above the ${trigger} trigger limit of ${limits.maxTimeoutSeconds} s`);
  const unsupported: Array<[keyof LambdaEdgeFunctionShape, string]> = [
    ['Environment', 'environment variables'],
    ['Layers', 'layers'],
    ['VpcConfig', 'a VPC'],
    ['DeadLetterConfig', 'a dead-letter queue'],
    ['FileSystemConfigs', 'a file system'],
  ];
  for (const [property, what] of unsupported) {
    if (present(fn[property])) problems.push(`${what}: not supported by Lambda@Edge`);
  }
  const tracing = (fn.TracingConfig as { Mode?: unknown } | undefined)?.Mode;
  if (tracing !== undefined && tracing !== 'PassThrough') problems.push(`tracing (${String(tracing)}): not supported by Lambda@Edge`);
  if (fn.PackageType === 'Image') problems.push('container images: not supported by Lambda@Edge');
  if (zippedBytes !== undefined && zippedBytes > limits.maxZippedBytes) {
    problems.push(`code package of ${zippedBytes} bytes zipped is above the ${trigger} trigger limit of ${limits.maxZippedBytes} bytes`);
  }
  return problems;
}

/**
 * The deflated size of every file under `directory`, as a zip of it would hold them (the zip's
 * own headers, under 100 bytes a file, left out).
 * @example zippedSize(bundleDirectory) // 41873
 */
export function zippedSize(directory: string): number {
  let total = 0;
  for (const entry of readdirSync(directory)) {
    const path = join(directory, entry);
    total += statSync(path).isDirectory() ? zippedSize(path) : deflateRawSync(readFileSync(path), { level: 9 }).length;
  }
  return total;
}
