import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** The dashboard's session cookie (HttpOnly, SameSite=Strict, scoped to the dashboard's path). */
export const DASHBOARD_COOKIE = 'ep_dash';
/** A dashboard session lasts an hour; then the page asks for the API key again. */
export const DASHBOARD_SESSION_SECONDS = 3600;

const VERSION = 'v1';
const MAX_TOKEN_LENGTH = 200;

/**
 * The MAC key of dashboard sessions: derived from the runtime's secret and a digest of the API key,
 * so rotating either one ends every session. Neither value is ever in the token.
 */
function sessionKey(secret: string, apiKey: string): Buffer {
  const keyDigest = createHash('sha256').update(apiKey, 'utf8').digest('base64url');
  return createHmac('sha256', secret).update(`edgeprint dashboard session\n${keyDigest}`).digest();
}

const mac = (key: Buffer, payload: string): Buffer => createHmac('sha256', key).update(payload).digest();

/**
 * A signed session token `v1.<expiry>.<nonce>.<mac>` (expiry in epoch seconds, HMAC-SHA256).
 * @example const token = issueDashboardSession({ secret, apiKey, now: new Date() })
 */
export function issueDashboardSession(input: { secret: string; apiKey: string; now: Date; seconds?: number }): string {
  const expiry = Math.floor(input.now.getTime() / 1000) + (input.seconds ?? DASHBOARD_SESSION_SECONDS);
  const payload = `${VERSION}.${expiry}.${randomBytes(16).toString('base64url')}`;
  return `${payload}.${mac(sessionKey(input.secret, input.apiKey), payload).toString('base64url')}`;
}

/** `none`: no cookie; `expired`: a genuine token past its time (the page says so); `invalid`: anything else. */
export type DashboardSessionState = 'valid' | 'expired' | 'invalid' | 'none';

/**
 * Checks a session token: its MAC (constant time) first, then its expiry. Without a configured API
 * key nothing is valid.
 * @example verifyDashboardSession(request.cookies.get(DASHBOARD_COOKIE), { secret, apiKey, now }) // 'valid'
 */
export function verifyDashboardSession(token: string | undefined, input: { secret: string; apiKey: string | undefined; now: Date }): DashboardSessionState {
  if (token === undefined || token.length === 0) return 'none';
  if (input.apiKey === undefined || token.length > MAX_TOKEN_LENGTH) return 'invalid';
  const match = /^(v1\.(\d{1,12})\.[A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (match === null) return 'invalid';
  // Compared as canonical text: base64url decoding would ignore the last character's spare bits.
  const expected = Buffer.from(mac(sessionKey(input.secret, input.apiKey), match[1]!).toString('base64url'));
  const given = Buffer.from(match[3]!);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'invalid';
  return Number(match[2]) * 1000 > input.now.getTime() ? 'valid' : 'expired';
}

/**
 * The `Set-Cookie` value: HttpOnly, SameSite=Strict, Path = the dashboard's path (so no other route,
 * and on a first-party setup no page of the site, ever receives it), Secure on https.
 * @example dashboardCookie(token, { path: '/dashboard', secure: true })
 */
export function dashboardCookie(token: string, options: { path: string; secure: boolean; maxAgeSeconds?: number }): string {
  const parts = [`${DASHBOARD_COOKIE}=${token}`, `Max-Age=${options.maxAgeSeconds ?? DASHBOARD_SESSION_SECONDS}`, `Path=${options.path}`, 'HttpOnly', 'SameSite=Strict'];
  if (options.secure) parts.push('Secure');
  return parts.join('; ');
}

/** The cookie that ends a session (sign-out). */
export function clearedDashboardCookie(options: { path: string; secure: boolean }): string {
  return dashboardCookie('', { ...options, maxAgeSeconds: 0 });
}
