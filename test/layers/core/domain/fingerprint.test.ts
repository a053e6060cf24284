import { canonicalSignals, FINGERPRINT_VERSION, requestFingerprint } from '../../../../layers/core/src/domain/fingerprint';
import { requestSignals } from '../../../../layers/core/src/domain/request-signals';

const SECRET = 'test-secret-of-at-least-16-chars';
const CHROME = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0';

/** The headers one Chrome sends on a top-level navigation. */
const NAVIGATION: Record<string, string> = {
  'user-agent': CHROME,
  accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
  'accept-language': 'en-GB,en;q=0.9',
  'accept-encoding': 'gzip, deflate, br, zstd',
  referer: 'https://news.example/article',
  'sec-ch-ua': '"Chromium";v="131", "Not_A Brand";v="24"',
  'sec-ch-ua-mobile': '?0',
  'sec-ch-ua-platform': '"Linux"',
};

function fingerprintOf(headers: Record<string, string>, ip: string | undefined, secret = SECRET) {
  return requestFingerprint(requestSignals(headers, ip), secret);
}

describe('requestFingerprint()', () => {
  it('gives the same id to the same browser on the same /24', () => {
    const first = fingerprintOf(NAVIGATION, '203.0.113.10');
    const second = fingerprintOf(NAVIGATION, '203.0.113.200');
    expect(second.id).toBe(first.id);
  });

  it('gives the same id to the same browser on the same IPv6 /48 and to its IPv4-mapped form', () => {
    expect(fingerprintOf(NAVIGATION, '2001:db8:1:aaaa::1').id).toBe(fingerprintOf(NAVIGATION, '2001:db8:1:bbbb::2').id);
    expect(fingerprintOf(NAVIGATION, '::ffff:203.0.113.10').id).toBe(fingerprintOf(NAVIGATION, '203.0.113.99').id);
  });

  it('gives another id on another network', () => {
    expect(fingerprintOf(NAVIGATION, '203.0.114.10').id).not.toBe(fingerprintOf(NAVIGATION, '203.0.113.10').id);
    expect(fingerprintOf(NAVIGATION, '2001:db8:2::1').id).not.toBe(fingerprintOf(NAVIGATION, '2001:db8:1::1').id);
  });

  it('gives another id to another user agent', () => {
    expect(fingerprintOf({ ...NAVIGATION, 'user-agent': FIREFOX }, '203.0.113.10').id).not.toBe(
      fingerprintOf(NAVIGATION, '203.0.113.10').id,
    );
  });

  it.each(['accept-language', 'accept-encoding', 'sec-ch-ua', 'sec-ch-ua-mobile', 'sec-ch-ua-platform'])(
    'gives another id when %s changes',
    (header) => {
      expect(fingerprintOf({ ...NAVIGATION, [header]: 'different' }, '203.0.113.10').id).not.toBe(
        fingerprintOf(NAVIGATION, '203.0.113.10').id,
      );
    },
  );

  it('gives another id under another secret', () => {
    expect(fingerprintOf(NAVIGATION, '203.0.113.10', 'another-secret-of-16-chars').id).not.toBe(
      fingerprintOf(NAVIGATION, '203.0.113.10').id,
    );
  });

  it('does not change with Accept or Referer (a navigation and its beacon match)', () => {
    const beacon = { ...NAVIGATION, accept: '*/*', referer: 'https://site.example/page' };
    const { accept: _accept, referer: _referer, ...bare } = NAVIGATION;
    const navigation = fingerprintOf(NAVIGATION, '203.0.113.10').id;
    expect(fingerprintOf(beacon, '203.0.113.10').id).toBe(navigation);
    expect(fingerprintOf(bare, '203.0.113.10').id).toBe(navigation);
  });

  it('does not change with the country header', () => {
    expect(fingerprintOf({ ...NAVIGATION, 'cloudfront-viewer-country': 'DE' }, '203.0.113.10').id).toBe(
      fingerprintOf(NAVIGATION, '203.0.113.10').id,
    );
  });

  it('returns a 128-bit base64url id and the algorithm version', () => {
    const fingerprint = fingerprintOf(NAVIGATION, '203.0.113.10');
    expect(fingerprint.id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(fingerprint.version).toBe(FINGERPRINT_VERSION);
    expect(FINGERPRINT_VERSION).toBe(1);
  });

  it('is deterministic for identical input', () => {
    expect(fingerprintOf(NAVIGATION, '203.0.113.10')).toEqual(fingerprintOf(NAVIGATION, '203.0.113.10'));
  });

  it('works without an IP and without headers', () => {
    const empty = requestFingerprint(requestSignals({}, undefined), SECRET);
    expect(empty.id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(empty.id).not.toBe(fingerprintOf(NAVIGATION, undefined).id);
  });
});

describe('canonicalSignals()', () => {
  it('is sorted name=value lines over the stable headers and the network prefix, never the full IP', () => {
    const canonical = canonicalSignals(requestSignals(NAVIGATION, '203.0.113.77'));
    const lines = canonical.split('\n');
    expect(lines).toEqual([...lines].sort());
    expect(lines).toContain('net=203.0.113.0');
    expect(lines).toContain(`user-agent=${CHROME}`);
    expect(canonical).not.toContain('203.0.113.77');
    expect(canonical).not.toContain('accept=');
    expect(canonical).not.toContain('referer=');
  });
});

describe('requestFingerprint() with the JA4 option', () => {
  const JA4 = 't13d1516h2_8daaf6152771_b186095e22b6';
  const withTls = { ...NAVIGATION, 'cloudfront-viewer-ja4-fingerprint': JA4, 'cloudfront-viewer-ja3-fingerprint': '54ceca84977f3398ed42d66c907e7e85' };
  const signals = (headers: Record<string, string>) => requestSignals(headers, '203.0.113.77');

  it('is off by default: the TLS headers change nothing and the id is the version-1 hash, byte for byte', () => {
    const { createHmac } = require('node:crypto') as typeof import('node:crypto');
    const expected = createHmac('sha256', SECRET).update(`v1\n${canonicalSignals(signals(NAVIGATION))}`).digest().subarray(0, 16).toString('base64url');
    expect(requestFingerprint(signals(withTls), SECRET)).toEqual({ id: expected, version: FINGERPRINT_VERSION });
    expect(requestFingerprint(signals(withTls), SECRET, { ja4: false })).toEqual({ id: expected, version: 1 });
  });

  it('when on, stores version 2 and an id that follows the JA4 fingerprint', () => {
    const on = requestFingerprint(signals(withTls), SECRET, { ja4: true });
    expect(on.version).toBe(2);
    expect(on.id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(on.id).not.toBe(requestFingerprint(signals(withTls), SECRET).id);
    expect(requestFingerprint(signals({ ...withTls, 'cloudfront-viewer-ja4-fingerprint': 't13d1517h2_8daaf6152771_b186095e22b6' }), SECRET, { ja4: true }).id).not.toBe(on.id);
    // JA3 and the header order are stored, never hashed.
    expect(requestFingerprint(signals({ ...withTls, 'cloudfront-viewer-ja3-fingerprint': '0'.repeat(32) }), SECRET, { ja4: true }).id).toBe(on.id);
  });
});
