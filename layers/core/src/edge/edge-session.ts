import { createHmac } from 'node:crypto';
import { parseIp } from '../domain/ip';
import { isSessionId } from '../domain/session-id';
import { SESSION_COOKIE } from '../http/cookies';
import type { PrivacyMode } from './edge-config';

/** `cookie`: the viewer's valid `ep_sid`; `derived`: the daily keyed hash (cookieless mode, or no cookie yet). */
export type SessionSource = 'cookie' | 'derived';

export interface EdgeSession {
  readonly id: string;
  readonly source: SessionSource;
}

/** `2026-11-22`: the UTC day a salt belongs to. */
export function utcDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}

let cachedSalt: { key: string; salt: Buffer } | undefined;

/**
 * Today's salt, derived rather than stored: HMAC(secret, 'edgeprint-salt:' + UTC date). No network
 * call and no state shared between edge locations, yet every replica and the ingest Lambda agree.
 * Anyone holding the secret can recompute any day's salt (see docs/edge.md).
 * @example dailySalt(secret, new Date('2026-11-22T12:00:00Z'))
 */
export function dailySalt(secret: string, at: Date): Buffer {
  const day = utcDay(at);
  const key = `${secret}\n${day}`;
  if (cachedSalt?.key === key) return cachedSalt.salt;
  const salt = createHmac('sha256', secret).update(`edgeprint-salt:${day}`).digest();
  cachedSalt = { key, salt };
  return salt;
}

/**
 * The cookieless session id: a keyed hash of the day's salt, the site, the IP and the user agent,
 * in the cookie's format (22 base64url characters). The same browser on the same IP keeps it for
 * the rest of the UTC day; at midnight it changes.
 * @example cookielessSessionId({ secret, siteId: 'shop', ip: '203.0.113.7', userAgent, at: new Date() })
 */
export function cookielessSessionId(input: { secret: string; siteId: string; ip: string | undefined; userAgent: string | undefined; at: Date }): string {
  const ip = parseIp(input.ip)?.toString() ?? '';
  return createHmac('sha256', dailySalt(input.secret, input.at))
    .update(`${input.siteId}\n${ip}\n${input.userAgent ?? ''}`)
    .digest()
    .subarray(0, 16)
    .toString('base64url');
}

/**
 * The `ep_sid` value of a Cookie header when it is in our format; anything else counts as absent.
 * @example sessionFromCookieHeader('a=1; ep_sid=AbCdEfGhIjKlMnOpQrStUv') // 'AbCdEfGhIjKlMnOpQrStUv'
 */
export function sessionFromCookieHeader(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  for (const pair of header.split(';', 100)) {
    const index = pair.indexOf('=');
    if (index > 0 && pair.slice(0, index).trim() === SESSION_COOKIE) {
      const value = pair.slice(index + 1).trim();
      return isSessionId(value) ? value : undefined;
    }
  }
  return undefined;
}

/**
 * The session of an edge request. Cookie mode uses a valid `ep_sid` and falls back to the derived id
 * (a first visit has no cookie yet, and a viewer-request function cannot set one); cookieless mode
 * never reads cookies.
 */
export function edgeSession(input: {
  mode: PrivacyMode;
  cookieHeader: string | undefined;
  secret: string;
  siteId: string;
  ip: string | undefined;
  userAgent: string | undefined;
  at: Date;
}): EdgeSession {
  if (input.mode === 'cookie') {
    const fromCookie = sessionFromCookieHeader(input.cookieHeader);
    if (fromCookie !== undefined) return { id: fromCookie, source: 'cookie' };
  }
  return { id: cookielessSessionId(input), source: 'derived' };
}
