import { createHmac } from 'node:crypto';
import { cookielessSessionId, dailySalt, edgeSession, sessionFromCookieHeader, utcDay } from '../../../../layers/core/src/edge/edge-session';

const SECRET = 'edge-test-secret-of-32-characters!';
const UA = 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0';
const base = { secret: SECRET, siteId: 'shop', ip: '203.0.113.7', userAgent: UA };

describe('dailySalt()', () => {
  it('is HMAC(secret, "edgeprint-salt:" + the UTC date)', () => {
    const expected = createHmac('sha256', SECRET).update('edgeprint-salt:2025-11-21').digest();
    expect(dailySalt(SECRET, new Date('2025-11-21T23:59:59.999Z')).equals(expected)).toBe(true);
    expect(dailySalt(SECRET, new Date('2025-11-22T00:00:00.000Z')).equals(expected)).toBe(false);
  });

  it('follows the UTC date, not the local one', () => {
    expect(utcDay(new Date('2025-11-21T23:30:00-05:00'))).toBe('2025-11-22');
  });
});

describe('cookielessSessionId()', () => {
  it('changes at the UTC day boundary and stays the same within a day', () => {
    const last = cookielessSessionId({ ...base, at: new Date('2025-11-21T23:59:59.999Z') });
    const first = cookielessSessionId({ ...base, at: new Date('2025-11-22T00:00:00.000Z') });
    expect(first).not.toBe(last);
    expect(cookielessSessionId({ ...base, at: new Date('2025-11-21T00:00:00.000Z') })).toBe(last);
    expect(cookielessSessionId({ ...base, at: new Date('2025-11-22T18:00:00.000Z') })).toBe(first);
  });

  it('differs per site, IP, user agent and secret, and is in the session cookie format', () => {
    const at = new Date('2025-11-21T12:00:00Z');
    const id = cookielessSessionId({ ...base, at });
    expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(cookielessSessionId({ ...base, siteId: 'blog', at })).not.toBe(id);
    expect(cookielessSessionId({ ...base, ip: '203.0.113.8', at })).not.toBe(id);
    expect(cookielessSessionId({ ...base, userAgent: `${UA} x`, at })).not.toBe(id);
    expect(cookielessSessionId({ ...base, secret: `${SECRET}x`, at })).not.toBe(id);
  });

  it('treats one address in its different spellings as one (edge clientIp vs log c-ip)', () => {
    const at = new Date('2025-11-21T12:00:00Z');
    expect(cookielessSessionId({ ...base, ip: '2001:0db8:85a3:0000:0000:8a2e:0370:7334', at })).toBe(cookielessSessionId({ ...base, ip: '2001:db8:85a3::8a2e:370:7334', at }));
    expect(cookielessSessionId({ ...base, ip: '::ffff:203.0.113.7', at })).toBe(cookielessSessionId({ ...base, at }));
  });
});

describe('sessionFromCookieHeader()', () => {
  it('reads a well-formed ep_sid among other cookies, and nothing else', () => {
    expect(sessionFromCookieHeader('theme=dark; ep_sid=AbCdEfGhIjKlMnOpQrStUv; x=1')).toBe('AbCdEfGhIjKlMnOpQrStUv');
    expect(sessionFromCookieHeader('ep_sid=short')).toBeUndefined();
    expect(sessionFromCookieHeader('xep_sid=AbCdEfGhIjKlMnOpQrStUv')).toBeUndefined();
    expect(sessionFromCookieHeader(undefined)).toBeUndefined();
  });
});

describe('edgeSession()', () => {
  const at = new Date('2025-11-21T12:00:00Z');
  const cookieHeader = 'ep_sid=AbCdEfGhIjKlMnOpQrStUv';
  it('uses the cookie in cookie mode and derives without one', () => {
    expect(edgeSession({ ...base, mode: 'cookie', cookieHeader, at })).toEqual({ id: 'AbCdEfGhIjKlMnOpQrStUv', source: 'cookie' });
    expect(edgeSession({ ...base, mode: 'cookie', cookieHeader: undefined, at })).toEqual({ id: cookielessSessionId({ ...base, at }), source: 'derived' });
  });

  it('never reads the cookie in cookieless mode', () => {
    expect(edgeSession({ ...base, mode: 'cookieless', cookieHeader, at })).toEqual({ id: cookielessSessionId({ ...base, at }), source: 'derived' });
  });
});
