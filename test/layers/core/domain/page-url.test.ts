import { canonicalPageUrl, landingPageUrl, MAX_URL_LENGTH, redirectLandingOf } from '../../../../layers/core/src/domain/page-url';

describe('canonicalPageUrl()', () => {
  it.each([
    ['https://example.com/a?b=1', 'https://example.com/a?b=1'],
    ['HTTPS://Example.COM:443/a?b=1', 'https://example.com/a?b=1'],
    ['http://example.com:80/', 'http://example.com/'],
    ['http://example.com:8080/x', 'http://example.com:8080/x'],
    ['https://example.com', 'https://example.com/'],
    ['https://example.com/a/./b/../c', 'https://example.com/a/c'],
    ['https://example.com/p q', 'https://example.com/p%20q'],
  ])('normalises %j to %j', (raw, canonical) => {
    expect(canonicalPageUrl(raw)).toBe(canonical);
  });

  it('keeps what makes a different page: scheme, trailing slash, query and fragment', () => {
    const variants = [
      'https://example.com/a',
      'http://example.com/a',
      'https://example.com/a/',
      'https://example.com/a?x=1',
      'https://example.com/a?x=2',
      'https://example.com/a?x=1&y=2',
      'https://example.com/a?y=2&x=1',
      'https://example.com/a#top',
      'https://example.com/A',
    ];
    const canonical = variants.map((url) => canonicalPageUrl(url));
    expect(canonical).toEqual(variants);
    expect(new Set(canonical).size).toBe(variants.length);
  });

  it('keeps commas in paths and queries', () => {
    expect(canonicalPageUrl('https://example.com/a,b?c=1,2')).toBe('https://example.com/a,b?c=1,2');
  });

  it.each([
    undefined,
    '',
    '/relative/path',
    'example.com/a',
    '//example.com/a',
    'javascript:alert(1)',
    'data:text/html,x',
    'ftp://example.com/',
    'mailto:a@example.com',
    'https://user:pass@example.com/',
    'https://user@example.com/',
    'http://',
    'not a url',
  ])('rejects %j', (raw) => {
    expect(canonicalPageUrl(raw)).toBeUndefined();
  });

  it('accepts a URL of exactly the maximum length and rejects one character more', () => {
    const base = 'https://example.com/';
    const atCap = `${base}${'a'.repeat(MAX_URL_LENGTH - base.length)}`;
    expect(atCap).toHaveLength(MAX_URL_LENGTH);
    expect(canonicalPageUrl(atCap)).toBe(atCap);
    expect(canonicalPageUrl(`${atCap}a`)).toBeUndefined();
  });

  it('rejects a URL that only exceeds the cap once the parser percent-encodes it', () => {
    const raw = `https://example.com/${'<'.repeat(MAX_URL_LENGTH - 30)}`;
    expect(raw.length).toBeLessThanOrEqual(MAX_URL_LENGTH);
    expect(canonicalPageUrl(raw)).toBeUndefined();
  });
});

describe('landingPageUrl()', () => {
  it.each([
    ['https://site.example/a.html#x', 'https://site.example/a.html'],
    ['https://site.example/a?b=1#x#y', 'https://site.example/a?b=1'],
    ['https://site.example/a#', 'https://site.example/a'],
    ['https://site.example/a?b=1', 'https://site.example/a?b=1'],
  ])('%j lands on %j', (url, landing) => {
    expect(landingPageUrl(url)).toBe(landing);
  });
});

describe('redirectLandingOf()', () => {
  it.each([
    ['https://site.example/v1/r?next=%2Fa.html%23x', 'https://site.example/a.html'],
    ['https://site.example/_ep/v1/r?next=%2Fa%3Fb%3D1', 'https://site.example/a?b=1'],
    ['https://site.example/_ep/v1/r', 'https://site.example/'],
    ['https://site.example/v1/r?next=https%3A%2F%2Fallowed.example%2Fp%23top', 'https://allowed.example/p'],
  ])('reads the landing page of the redirect page %j: %j', (page, landing) => {
    expect(redirectLandingOf(page, ['allowed.example'])).toBe(landing);
  });

  it.each([
    'https://site.example/v1/r?next=https%3A%2F%2Fevil.example%2F',
    'https://site.example/v1/r?next=',
    'https://site.example/v1/collect?next=%2Fa',
    'https://site.example/shop/v1/rx?next=%2Fa',
    'not a url',
  ])('is undefined for %j (not a redirect page, or a refused next)', (page) => {
    expect(redirectLandingOf(page, ['allowed.example'])).toBeUndefined();
  });
});
