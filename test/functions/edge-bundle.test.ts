import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Metafile } from 'esbuild';
import type { CloudFrontRequest, CloudFrontRequestEvent } from 'aws-lambda';
import { bundleEdgeHandler } from '../../infra/lib/bundling';
import { edgeConfigDefine } from '../../layers/core/src/edge/edge-config';
import { EDGE_HEADERS, fingerprintViewerRequest } from '../../layers/core/src/edge/viewer-request';
import { EDGE_TEST_CONFIG, edgeprintHeaderNames, headerValue, requestOf, viewerRequestFixture } from '../helpers/cloudfront';

/** The budget from the issue (the Lambda@Edge viewer-request limit is 1 MB). */
const BUDGET_BYTES = 50 * 1024;

type EdgeHandler = (event: CloudFrontRequestEvent) => Promise<CloudFrontRequest>;

describe('functions/edge/handler.ts bundle', () => {
  const directory = mkdtempSync(join(tmpdir(), 'edgeprint-edge-bundle-'));
  const baked = join(directory, 'baked.js');
  const unbaked = join(directory, 'unbaked.js');
  let metafile: Metafile;

  // Built by the same function the distribution deploys with.
  beforeAll(() => {
    metafile = bundleEdgeHandler(baked, edgeConfigDefine(EDGE_TEST_CONFIG));
    bundleEdgeHandler(unbaked, {});
  });
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it(`stays under ${BUDGET_BYTES / 1024} KiB minified`, () => {
    expect(statSync(baked).size).toBeLessThan(BUDGET_BYTES);
  });

  it('pulls in neither zod, middy, Powertools nor the AWS SDK', () => {
    const inputs = Object.keys(metafile.inputs);
    expect(inputs.some((path) => path.includes('functions/edge/handler.ts'))).toBe(true);
    expect(inputs.filter((path) => /node_modules\/(zod|@middy|@aws-lambda-powertools|@aws-sdk|@smithy)\//.test(path))).toEqual([]);
  });

  it('runs with the configuration baked in by define and stamps what the core computes', async () => {
    const { handler } = require(baked) as { handler: EdgeHandler };
    const result = await handler(viewerRequestFixture('chrome-navigation'));
    const expected = fingerprintViewerRequest(requestOf(viewerRequestFixture('chrome-navigation')), EDGE_TEST_CONFIG, new Date());
    if (expected.kind !== 'stamped') throw new Error('the fixture should be stamped');
    expect(headerValue(result.headers, EDGE_HEADERS.fingerprint)).toBe(expected.stamp.fingerprint);
    expect(headerValue(result.headers, EDGE_HEADERS.session)).toBe('AbCdEfGhIjKlMnOpQrStUv');
  });

  it('without a baked configuration passes requests through, stripped, and says why in the log', async () => {
    const errors: string[] = [];
    const spy = jest.spyOn(console, 'error').mockImplementation((line: unknown) => void errors.push(String(line)));
    try {
      const { handler } = require(unbaked) as { handler: EdgeHandler };
      const original = requestOf(viewerRequestFixture('chrome-navigation'));
      const result = await handler(viewerRequestFixture('chrome-navigation'));
      expect(edgeprintHeaderNames(result.headers)).toEqual([]);
      expect(result.uri).toBe(original.uri);
      expect(result.headers.cookie).toEqual(original.headers.cookie);
      expect(errors.join('\n')).toContain('no edge configuration was baked into this build');
    } finally {
      spy.mockRestore();
    }
  });
});
