import {
  clearedDashboardCookie,
  DASHBOARD_SESSION_SECONDS,
  dashboardCookie,
  issueDashboardSession,
  verifyDashboardSession,
} from '../../../../layers/core/src/auth/dashboard-session';

const secret = 'a-runtime-secret-of-enough-length';
const apiKey = 'the-admin-api-key-0123456789';
const now = new Date('2026-11-22T12:00:00.000Z');
const later = (seconds: number) => new Date(now.getTime() + seconds * 1000);

describe('issueDashboardSession()', () => {
  it('signs a token that carries neither the key nor the secret', () => {
    const token = issueDashboardSession({ secret, apiKey, now });
    expect(token).toMatch(/^v1\.\d+\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/);
    expect(token).not.toContain(apiKey);
    expect(issueDashboardSession({ secret, apiKey, now })).not.toBe(token);
  });
});

describe('verifyDashboardSession()', () => {
  const token = issueDashboardSession({ secret, apiKey, now });

  it('accepts its own token until it expires', () => {
    expect(verifyDashboardSession(token, { secret, apiKey, now })).toBe('valid');
    expect(verifyDashboardSession(token, { secret, apiKey, now: later(DASHBOARD_SESSION_SECONDS - 1) })).toBe('valid');
    expect(verifyDashboardSession(token, { secret, apiKey, now: later(DASHBOARD_SESSION_SECONDS) })).toBe('expired');
  });

  it('refuses a token after the secret or the API key changed', () => {
    expect(verifyDashboardSession(token, { secret: `${secret}-rotated`, apiKey, now })).toBe('invalid');
    expect(verifyDashboardSession(token, { secret, apiKey: `${apiKey}-rotated`, now })).toBe('invalid');
    expect(verifyDashboardSession(token, { secret, apiKey: undefined, now })).toBe('invalid');
  });

  it('refuses a forged expiry, a changed nonce and garbage', () => {
    const [version, expiry, nonce, mac] = token.split('.');
    expect(verifyDashboardSession([version, String(Number(expiry) + 86400), nonce, mac].join('.'), { secret, apiKey, now })).toBe('invalid');
    const other = (text: string) => `${text.slice(0, -1)}${text.endsWith('A') ? 'B' : 'A'}`;
    expect(verifyDashboardSession([version, expiry, other(nonce!), mac].join('.'), { secret, apiKey, now })).toBe('invalid');
    // Even a change the base64url decoder would ignore (a spare bit of the MAC's last character) is refused.
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const spare = `${mac!.slice(0, -1)}${alphabet[alphabet.indexOf(mac!.slice(-1)) ^ 1]}`;
    expect(Buffer.from(spare, 'base64url')).toEqual(Buffer.from(mac!, 'base64url'));
    expect(verifyDashboardSession([version, expiry, nonce, spare].join('.'), { secret, apiKey, now })).toBe('invalid');
    for (const garbage of ['x', 'v1...', `${token}x`, 'v1.1.'.padEnd(500, 'a')]) {
      expect(verifyDashboardSession(garbage, { secret, apiKey, now })).toBe('invalid');
    }
    expect(verifyDashboardSession(undefined, { secret, apiKey, now })).toBe('none');
    expect(verifyDashboardSession('', { secret, apiKey, now })).toBe('none');
  });
});

describe('dashboardCookie()', () => {
  it('is HttpOnly, SameSite=Strict, scoped to the dashboard path, Secure on https', () => {
    expect(dashboardCookie('t', { path: '/_ep/dashboard', secure: true })).toBe(`ep_dash=t; Max-Age=${DASHBOARD_SESSION_SECONDS}; Path=/_ep/dashboard; HttpOnly; SameSite=Strict; Secure`);
    expect(dashboardCookie('t', { path: '/dashboard', secure: false })).not.toContain('Secure');
    expect(clearedDashboardCookie({ path: '/dashboard', secure: false })).toBe('ep_dash=; Max-Age=0; Path=/dashboard; HttpOnly; SameSite=Strict');
  });
});
