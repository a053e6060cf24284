/**
 * Plausible Events API adapter.
 *
 * Protocol facts (plausible.io/docs/events-api, and Plausible's `ingestion/request.ex`):
 * - POST `<host>/api/event`, one event per request, JSON `{ name, url, domain, referrer?, props? }`;
 *   success is `202 Accepted`.
 * - `User-Agent` (the visitor's raw UA) is required and `X-Forwarded-For` carries the visitor IP:
 *   both feed the daily-salted unique-visitor hash, so sending our server's own values would merge
 *   every visitor into one.
 * - Custom props: flat, scalar values; we cap them at 30 keys, keys ≤ 300 and values ≤ 2000 chars;
 *   event names ≤ 120 chars; url and referrer ≤ 2000 chars.
 */
import type { ForwardEvent, HttpPost, Provider } from '../event';
import { parseIp } from '../../domain/ip';
import { DEFAULT_TIMEOUT_MS, digest, headerValue, httpUrl, relayGroups, relayPost, traceId, truncate, type DropHook } from './relay';

export interface PlausibleOptions {
  /** Plausible host, e.g. `https://plausible.io` or a self-hosted URL. */
  readonly url: string;
  /** The site's domain as added in Plausible. */
  readonly domain: string;
  /**
   * When no IP is stored (privacy mode `none`), send a pseudonymous address in the IPv6
   * documentation prefix 2001:db8::/32 derived from the visitor hash, so unique counting still
   * works; Plausible then shows no country. Off: such events are dropped. @default true
   */
  readonly pseudonymousIpWhenMissing?: boolean;
  /** Requests in flight at once. @default 4 */
  readonly concurrency?: number;
  /** @default 5000 */
  readonly timeoutMs?: number;
  readonly onDrop?: DropHook;
  readonly now?: () => number;
}

export const PLAUSIBLE_MAX_PROPS = 30;
const MAX_PROP_KEY = 300;
const MAX_PROP_VALUE = 2000;
const MAX_NAME = 120;
const MAX_URL = 2000;

/** `2001:db8:xxxx:xxxx:xxxx:xxxx:xxxx:xxxx` from a salted hash of the visitor (or session) id. */
export function pseudonymousIp(event: Pick<ForwardEvent, 'visitorId' | 'sessionId'>, salt: string): string | undefined {
  const basis = event.visitorId !== undefined && event.visitorId.length > 0 ? `v:${event.visitorId}`
    : event.sessionId !== undefined && event.sessionId.length > 0 ? `s:${event.sessionId}` : undefined;
  if (basis === undefined) return undefined;
  const hash = digest(salt, basis);
  const groups = Array.from({ length: 6 }, (_, i) => hash.readUInt16BE(i * 2).toString(16));
  return `2001:db8:${groups.join(':')}`;
}

interface PlausibleRequest {
  eventIds: string[];
  headers: Record<string, string>;
  body: string;
}

/** The request for one event, or a drop reason. */
export function plausibleRequest(event: ForwardEvent, options: PlausibleOptions): PlausibleRequest | { drop: string } {
  const url = httpUrl(event.url);
  if (url === undefined) return { drop: 'no_url' };
  const userAgent = headerValue(event.userAgent, 1024);
  if (userAgent === undefined) return { drop: 'no_user_agent' };
  const ip = parseIp(event.ip)?.toString()
    ?? (options.pseudonymousIpWhenMissing === false ? undefined : pseudonymousIp(event, `plausible:${options.domain}`));
  if (ip === undefined) return { drop: 'no_ip' };

  const name = event.kind === 'pageview' || event.kind === 'request' ? 'pageview' : truncate(event.name.length > 0 ? event.name : event.kind, MAX_NAME);
  const props = new Map<string, string>();
  for (const [key, value] of Object.entries(event.props ?? {})) {
    if (props.size >= PLAUSIBLE_MAX_PROPS) break;
    const cleanKey = truncate(key, MAX_PROP_KEY);
    const cleanValue = truncate(String(value), MAX_PROP_VALUE);
    // Plausible drops empty values; skip them here so props stay as sent.
    if (cleanKey.length === 0 || cleanValue.length === 0 || (typeof value === 'number' && !Number.isFinite(value)) || props.has(cleanKey)) continue;
    props.set(cleanKey, cleanValue);
  }
  if (event.kind === 'activity' && event.path !== undefined && event.path.length > 0 && props.size < PLAUSIBLE_MAX_PROPS && !props.has('path')) {
    props.set('path', truncate(event.path, MAX_PROP_VALUE));
  }
  const body = JSON.stringify({
    name,
    url: truncate(url, MAX_URL),
    domain: options.domain,
    ...(httpUrl(event.referrer) !== undefined && { referrer: truncate(event.referrer as string, MAX_URL) }),
    ...(props.size > 0 && { props: Object.fromEntries(props) }),
  });
  return {
    eventIds: [event.eventId],
    headers: {
      'content-type': 'application/json',
      'user-agent': userAgent,
      'x-forwarded-for': ip,
      'x-edgeprint-event-id': traceId(event.eventId),
    },
    body,
  };
}

/**
 * Builds a Provider for Plausible: one request per event, a few in flight at once.
 * @example const plausible = plausibleProvider({ url: 'https://plausible.io', domain: 'example.com' }, httpPost)
 */
export function plausibleProvider(options: PlausibleOptions, post: HttpPost): Provider {
  const name = 'plausible';
  const endpoint = `${options.url.replace(/\/+$/, '').replace(/\/api\/event$/, '')}/api/event`;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const now = options.now ?? Date.now;
  return {
    name,
    async send(events) {
      const requests: PlausibleRequest[] = [];
      for (const event of events) {
        const request = plausibleRequest(event, options);
        if ('drop' in request) options.onDrop?.(request.drop, event.eventId);
        else requests.push(request);
      }
      await relayGroups(requests, async (request) => {
        await relayPost(name, post, endpoint, { headers: request.headers, body: request.body, timeoutMs }, now);
      }, options.concurrency ?? 4);
    },
  };
}
