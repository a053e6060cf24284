import { requestSignals } from '../../../../layers/core/src/domain/request-signals';

describe('requestSignals() with CloudFront TLS headers', () => {
  it('keeps JA3, JA4, header order and count, each capped', () => {
    const picked = requestSignals(
      {
        'cloudfront-viewer-ja3-fingerprint': '54ceca84977f3398ed42d66c907e7e85',
        'cloudfront-viewer-ja4-fingerprint': 'x'.repeat(100),
        'cloudfront-viewer-header-order': 'host:user-agent:'.repeat(100),
        'cloudfront-viewer-header-count': '15',
      },
      undefined,
    ).headers;
    expect(picked['cloudfront-viewer-ja3-fingerprint']).toBe('54ceca84977f3398ed42d66c907e7e85');
    expect(picked['cloudfront-viewer-ja4-fingerprint']).toHaveLength(64);
    expect(picked['cloudfront-viewer-header-order']).toHaveLength(512);
    expect(picked['cloudfront-viewer-header-count']).toBe('15');
  });
});
