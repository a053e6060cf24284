import { agentOf, countryOf, dayOf, externalReferrer, pagePath, shortHash, siteOf, UNKNOWN, utmOf } from '../../../../layers/core/src/aggregates/dimensions';

describe('siteOf()', () => {
  it('is the lower-cased host, with a port only when it is not the default', () => {
    expect(siteOf('https://Shop.Example/a')).toBe('shop.example');
    expect(siteOf('https://shop.example:443/a')).toBe('shop.example');
    expect(siteOf('http://127.0.0.1:3000/demo')).toBe('127.0.0.1:3000');
    expect(siteOf('http://[::1]:8080/')).toBe('[::1]:8080');
  });

  it.each([undefined, '', '/relative', 'javascript:alert(1)', 'mailto:a@b.example', 'not a url'])('has no site for %p', (url) => {
    expect(siteOf(url)).toBeUndefined();
  });
});

describe('dayOf()', () => {
  it('is the UTC day', () => {
    expect(dayOf('2026-11-22T23:59:59.999Z')).toBe('2026-11-22');
    expect(dayOf('2026-11-23T00:30:00+01:00')).toBe('2026-11-22');
    expect(dayOf(new Date('2026-01-01T00:00:00Z'))).toBe('2026-01-01');
  });

  it('is undefined for something that is not a time', () => {
    expect(dayOf('yesterday')).toBeUndefined();
  });
});

describe('pagePath()', () => {
  it('keeps the path only: query and fragment make no other page', () => {
    expect(pagePath('https://shop.example/p/1?utm_source=x#top')).toBe('/p/1');
    expect(pagePath('https://shop.example')).toBe('/');
    expect(pagePath('https://shop.example/a/')).toBe('/a/');
  });

  it('cuts very long paths to 200 characters', () => {
    expect(pagePath(`https://shop.example/${'a'.repeat(500)}`)).toHaveLength(200);
  });
});

describe('externalReferrer()', () => {
  it('is the referring host of another site', () => {
    expect(externalReferrer('https://news.example/item?id=1', 'shop.example')).toBe('news.example');
    expect(externalReferrer('https://www.search.example/?q=x', 'shop.example')).toBe('www.search.example');
  });

  it('ignores the same site, no referrer and non-web referrers', () => {
    expect(externalReferrer('https://shop.example/other', 'shop.example')).toBeUndefined();
    expect(externalReferrer(undefined, 'shop.example')).toBeUndefined();
    expect(externalReferrer('android-app://com.example', 'shop.example')).toBeUndefined();
  });
});

describe('utmOf()', () => {
  it('reads utm_campaign and utm_source, trimmed', () => {
    expect(utmOf('https://shop.example/?utm_source=%20news%20&utm_campaign=spring')).toEqual({ campaign: 'spring', source: 'news' });
    expect(utmOf('https://shop.example/?utm_campaign=')).toEqual({ campaign: undefined, source: undefined });
    expect(utmOf(undefined)).toEqual({});
  });
});

describe('agentOf()', () => {
  it('names browser, OS and device type', () => {
    expect(agentOf('Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36')).toEqual({ browser: 'Chrome', os: 'Windows', device: 'desktop' });
    expect(agentOf('Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1')).toEqual({
      browser: 'Mobile Safari',
      os: 'iOS',
      device: 'mobile',
    });
  });

  it('is unknown without a user agent (GPC-anonymous visits carry none)', () => {
    expect(agentOf(undefined)).toEqual({ browser: UNKNOWN, os: UNKNOWN, device: UNKNOWN });
    expect(agentOf('  ')).toEqual({ browser: UNKNOWN, os: UNKNOWN, device: UNKNOWN });
  });
});

describe('countryOf()', () => {
  it('accepts ISO 3166-1 alpha-2 only', () => {
    expect(countryOf('de')).toBe('DE');
    expect(countryOf('XX1')).toBe(UNKNOWN);
    expect(countryOf(undefined)).toBe(UNKNOWN);
  });
});

describe('shortHash()', () => {
  it('is stable, short and never the input', () => {
    expect(shortHash('session-1', 12)).toBe(shortHash('session-1', 12));
    expect(shortHash('session-1', 12)).toHaveLength(12);
    expect(shortHash('session-1')).not.toContain('session');
    expect(shortHash('session-1')).not.toBe(shortHash('session-2'));
  });
});
