/**
 * Matomo HTTP Tracking API adapter.
 *
 * Protocol facts (developer.matomo.org/api-reference/tracking-api, "Bulk tracking"):
 * - Bulk: POST `<matomo>/matomo.php` with JSON `{"requests": ["?idsite=…&rec=1&…", …], "token_auth": "…"}`.
 * - Required: `idsite`, `rec=1`. Recommended: `url`, `action_name`, `_id` (exactly 16 hex chars),
 *   `rand`, `apiv=1`. Optional: `urlref`, `ua`, `lang`, `uid`, `cdt`, `send_image=0` (no GIF),
 *   `ca=1` for anything that is not a pageview, events as `e_c`/`e_a` (both required) `e_n`/`e_v`.
 * - Need `token_auth` (a user with write access): `cip`, `cid`, `country`, and `cdt` older than 24 h.
 */
import type { ForwardEvent, HttpPost, Provider } from '../event';
import { parseIp } from '../../domain/ip';
import { DEFAULT_TIMEOUT_MS, digest, epochMs, httpUrl, relayPost, truncate, wellFormed, type DropHook } from './relay';

export interface MatomoOptions {
  /** Base URL of the Matomo install, e.g. `https://matomo.example.com` (matomo.php is appended). */
  readonly url: string;
  readonly siteId: number;
  /** Token of a user with write access; unlocks `cip`, `cid`, `country` and backdating past 24 h. Never logged. */
  readonly tokenAuth?: string;
  /** Salt of the derived `_id`. @default `matomo:<siteId>` */
  readonly visitorIdSalt?: string;
  /** @default 5000 */
  readonly timeoutMs?: number;
  readonly onDrop?: DropHook;
  readonly now?: () => number;
}

const DAY_MS = 24 * 3600 * 1000;
/** Matomo's own column sizes are generous; this keeps one tracking request small. */
const MAX_FIELD_LENGTH = 2048;

/**
 * Matomo `_id`: 16 hex chars of a salted SHA-256 of our visitor id (else the session id).
 * @example matomoVisitorId({ visitorId: 'abc' }, 'salt') // e.g. '3f0c…' (16 chars)
 */
export function matomoVisitorId(event: Pick<ForwardEvent, 'visitorId' | 'sessionId'>, salt: string): string | undefined {
  const basis = event.visitorId !== undefined && event.visitorId.length > 0 ? `v:${event.visitorId}`
    : event.sessionId !== undefined && event.sessionId.length > 0 ? `s:${event.sessionId}` : undefined;
  return basis === undefined ? undefined : digest(salt, basis).subarray(0, 8).toString('hex');
}

function text(value: string | undefined): string | undefined {
  if (value === undefined || value.length === 0) return undefined;
  return truncate(value, MAX_FIELD_LENGTH);
}

/**
 * One Matomo tracking request (the `?…` query string) for an event, or a drop reason.
 * The event id rides in `rand` (meant to be a random per-request value; a UUID is one), so
 * duplicates can be traced.
 */
export function matomoRequest(event: ForwardEvent, options: MatomoOptions, nowMs: number): string | { drop: string } {
  const hasToken = options.tokenAuth !== undefined && options.tokenAuth.length > 0;
  const at = epochMs(event.at) ?? nowMs;
  if (nowMs - at > DAY_MS && !hasToken) return { drop: 'too_old_without_token' };

  const params = new URLSearchParams();
  params.set('idsite', String(options.siteId));
  params.set('rec', '1');
  params.set('apiv', '1');
  params.set('send_image', '0');
  params.set('rand', wellFormed(event.eventId).slice(0, 64));
  params.set('cdt', String(Math.floor(Math.min(at, nowMs) / 1000)));
  const visitor = matomoVisitorId(event, options.visitorIdSalt ?? `matomo:${options.siteId}`);
  if (visitor !== undefined) {
    params.set('_id', visitor);
    if (hasToken) params.set('cid', visitor);
  }
  const set = (key: string, value: string | undefined) => {
    const clean = text(value);
    if (clean !== undefined) params.set(key, clean);
  };
  set('url', httpUrl(event.url));
  set('urlref', httpUrl(event.referrer));
  set('ua', event.userAgent);
  set('lang', event.language);
  set('uid', event.userId);
  if (hasToken) {
    const ip = parseIp(event.ip);
    if (ip !== undefined) params.set('cip', ip.toString());
    if (event.country !== undefined && /^[A-Za-z]{2}$/.test(event.country)) params.set('country', event.country.toLowerCase());
  }

  if (event.kind === 'pageview' || event.kind === 'request') {
    set('action_name', event.title ?? pathOf(httpUrl(event.url)));
  } else {
    // Custom events and activity are Matomo events, not pageviews.
    params.set('ca', '1');
    const props = event.props ?? {};
    const category = typeof props.category === 'string' && props.category.length > 0 ? props.category : event.kind;
    set('e_c', category);
    set('e_a', event.name.length > 0 ? event.name : event.kind);
    const label = typeof props.label === 'string' ? props.label : event.kind === 'activity' ? event.path : undefined;
    set('e_n', label);
    if (typeof props.value === 'number' && Number.isFinite(props.value)) params.set('e_v', String(props.value));
  }
  return `?${params.toString()}`;
}

function pathOf(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  try {
    return new URL(url).pathname;
  } catch {
    return undefined;
  }
}

/**
 * Builds a Provider for Matomo: every send() is exactly one bulk request.
 * @example const matomo = matomoProvider({ url: 'https://matomo.example.com', siteId: 1, tokenAuth }, httpPost)
 */
export function matomoProvider(options: MatomoOptions, post: HttpPost): Provider {
  const name = 'matomo';
  const endpoint = `${options.url.replace(/\/+$/, '').replace(/\/matomo\.php$/, '')}/matomo.php`;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const now = options.now ?? Date.now;
  return {
    name,
    async send(events) {
      const nowMs = now();
      const requests: string[] = [];
      for (const event of events) {
        const request = matomoRequest(event, options, nowMs);
        if (typeof request === 'string') requests.push(request);
        else options.onDrop?.(request.drop, event.eventId);
      }
      if (requests.length === 0) return;
      const body = JSON.stringify({
        requests,
        ...(options.tokenAuth !== undefined && options.tokenAuth.length > 0 && { token_auth: options.tokenAuth }),
      });
      await relayPost(name, post, endpoint, { headers: { 'content-type': 'application/json' }, body, timeoutMs }, now);
    },
  };
}
