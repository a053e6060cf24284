import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lambdaEdgeProblems, zippedSize, type LambdaEdgeFunctionShape } from '../../../infra/lib/lambda-edge-limits';

/** What the distribution deploys: a valid viewer-request function. */
const VALID: LambdaEdgeFunctionShape = { Runtime: 'nodejs22.x', Architectures: ['x86_64'], MemorySize: 128, Timeout: 5 };

describe('lambdaEdgeProblems()', () => {
  it('accepts the deployed shape, and Lambda defaults when memory, timeout and architecture are absent', () => {
    expect(lambdaEdgeProblems(VALID, 'viewer', 40_000)).toEqual([]);
    expect(lambdaEdgeProblems({ Runtime: 'nodejs20.x' }, 'viewer')).toEqual([]);
  });

  // One broken restriction at a time: each must be named.
  const broken: Array<[string, LambdaEdgeFunctionShape, RegExp]> = [
    ['a runtime newer than Lambda@Edge lists', { ...VALID, Runtime: 'nodejs24.x' }, /runtime nodejs24.x/],
    ['arm64', { ...VALID, Architectures: ['arm64'] }, /architecture arm64/],
    ['memory above 128 MB', { ...VALID, MemorySize: 256 }, /memory 256 MB .* viewer/],
    ['a timeout above 5 s', { ...VALID, Timeout: 6 }, /timeout 6 s .* viewer/],
    ['environment variables', { ...VALID, Environment: { Variables: { A: 'b' } } }, /environment variables/],
    ['layers', { ...VALID, Layers: ['arn:aws:lambda:us-east-1:1:layer:x:1'] }, /layers/],
    ['active tracing', { ...VALID, TracingConfig: { Mode: 'Active' } }, /tracing/],
    ['a VPC', { ...VALID, VpcConfig: { SubnetIds: ['subnet-1'] } }, /VPC/],
    ['a dead-letter queue', { ...VALID, DeadLetterConfig: { TargetArn: 'arn:aws:sqs:us-east-1:1:q' } }, /dead-letter/],
    ['a container image', { ...VALID, PackageType: 'Image' }, /container/],
  ];
  it.each(broken)('names %s', (_name, shape, expected) => {
    const problems = lambdaEdgeProblems(shape, 'viewer', 40_000);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(expected);
  });

  it('applies the origin trigger quotas (30 s, 10,240 MB, 50 MB) rather than the viewer ones', () => {
    expect(lambdaEdgeProblems({ ...VALID, MemorySize: 1024, Timeout: 30 }, 'origin', 2_000_000)).toEqual([]);
    expect(lambdaEdgeProblems({ ...VALID, MemorySize: 1024, Timeout: 30 }, 'viewer', 2_000_000)).toHaveLength(3);
  });
});

describe('zippedSize()', () => {
  it('counts the deflated bytes, so a viewer package over 1 MB zipped is refused', () => {
    const directory = mkdtempSync(join(tmpdir(), 'edgeprint-zip-'));
    try {
      // Random bytes do not compress: 1.1 MB stays above the limit; the same size of text does not.
      writeFileSync(join(directory, 'random.bin'), randomBytes(1_100_000));
      const size = zippedSize(directory);
      expect(size).toBeGreaterThan(1024 * 1024);
      expect(lambdaEdgeProblems(VALID, 'viewer', size)).toEqual([expect.stringMatching(/code package of \d+ bytes/)]);
      rmSync(join(directory, 'random.bin'));
      writeFileSync(join(directory, 'text.js'), 'a'.repeat(1_100_000));
      expect(zippedSize(directory)).toBeLessThan(10_000);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
