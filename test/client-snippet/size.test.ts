import { snippetSizes, type SnippetSizes } from '../../client-snippet/build';

/** The size budget of issue 5: the tracker may add at most 2 KiB gzipped to FingerprintJS alone. */
const BUDGET_GZIP_BYTES = 2048;

describe('snippetSizes()', () => {
  let sizes: SnippetSizes;

  beforeAll(async () => {
    sizes = await snippetSizes();
  });

  it(`keeps gzip(snippet) − gzip(FingerprintJS alone) within ${BUDGET_GZIP_BYTES} bytes`, () => {
    expect(sizes.overheadGzip).toBe(sizes.snippet.gzip - sizes.fingerprintjs.gzip);
    expect(sizes.overheadGzip).toBeLessThanOrEqual(BUDGET_GZIP_BYTES);
  });

  it('measures real bundles: FingerprintJS is in the snippet, and the tracker adds something', () => {
    // FingerprintJS 5 alone is about 35 KB minified, 15.5 KB gzipped.
    expect(sizes.fingerprintjs.raw).toBeGreaterThan(20000);
    expect(sizes.fingerprintjs.gzip).toBeGreaterThan(8000);
    expect(sizes.snippet.raw).toBeGreaterThan(sizes.fingerprintjs.raw * 0.9);
    expect(sizes.overheadGzip).toBeGreaterThan(0);
  });
});
