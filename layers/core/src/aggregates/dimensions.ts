import { createHash } from 'node:crypto';
import { describeUserAgent } from '../domain/user-agent';
import { parseUrl } from './site-day';

/** Longest dimension value kept (a path, host, campaign or event name); longer ones are cut. */
export const MAX_VALUE_LENGTH = 200;
/** What a dimension shows when the event does not carry it (a GPC-anonymous visit has no user agent or country). */
export const UNKNOWN = '(unknown)';
/** Where the values of a full day item go (see add-day-counters.ts). */
export const OTHER = '(other)';

const cut = (value: string): string => (value.length > MAX_VALUE_LENGTH ? value.slice(0, MAX_VALUE_LENGTH) : value);


export { dayOf, siteOf } from './site-day';

/**
 * The page of a URL as the dashboard lists it: the path only (query and fragment dropped, so
 * `?utm_…` variants of one page are one page), cut to 200 characters.
 * @example pagePath('https://shop.example/p/1?utm_source=x#top') // '/p/1'
 */
export function pagePath(url: string | undefined): string | undefined {
  const parsed = parseUrl(url);
  return parsed === undefined ? undefined : cut(parsed.pathname || '/');
}

/**
 * The referring host when it is another site (same-site navigation is not a referral); `www.` is
 * kept, so `www.example.com` and `example.com` stay apart as the browser sent them.
 * @example externalReferrer('https://news.example/item?id=1', 'shop.example') // 'news.example'
 */
export function externalReferrer(referrer: string | undefined, site: string): string | undefined {
  const parsed = parseUrl(referrer);
  if (parsed === undefined || parsed.host === site || parsed.hostname.length === 0) return undefined;
  return cut(parsed.hostname);
}

/**
 * `utm_campaign` and `utm_source` of a page URL (trimmed, cut; empty values ignored).
 * @example utmOf('https://shop.example/?utm_source=news&utm_campaign=spring') // { campaign: 'spring', source: 'news' }
 */
export function utmOf(url: string | undefined): { campaign?: string; source?: string } {
  const parsed = parseUrl(url);
  if (parsed === undefined) return {};
  const value = (name: string) => {
    const raw = parsed.searchParams.get(name)?.trim();
    return raw === undefined || raw.length === 0 ? undefined : cut(raw);
  };
  return { campaign: value('utm_campaign'), source: value('utm_source') };
}

export interface AgentDimensions {
  readonly browser: string;
  readonly os: string;
  readonly device: string;
}

/**
 * Browser, OS and device type names of a user agent (ua-parser-js 1.x), `(unknown)` where it
 * names none (no user agent at all, as for GPC-anonymous visits, gives `(unknown)` everywhere).
 * @example agentOf('Mozilla/5.0 (Windows NT 10.0; Win64; x64) … Chrome/131.0.0.0 Safari/537.36') // { browser: 'Chrome', os: 'Windows', device: 'desktop' }
 */
export function agentOf(userAgent: string | undefined): AgentDimensions {
  if (userAgent === undefined || userAgent.trim().length === 0) return { browser: UNKNOWN, os: UNKNOWN, device: UNKNOWN };
  const summary = describeUserAgent(userAgent);
  return {
    browser: cut(summary.browser?.name ?? UNKNOWN),
    os: cut(summary.os?.name ?? UNKNOWN),
    device: cut(summary.deviceType ?? UNKNOWN),
  };
}

/**
 * An ISO 3166-1 alpha-2 country, or `(unknown)`.
 * @example countryOf('de') // 'DE'
 */
export function countryOf(country: string | undefined): string {
  const value = country?.trim().toUpperCase();
  return value !== undefined && /^[A-Z]{2}$/.test(value) ? value : UNKNOWN;
}

/**
 * A short, stable hash for marker keys and set members (base64url of SHA-256, `length` characters):
 * markers never hold a session id, visitorId, event id or path in the clear.
 * @example shortHash('evt-1', 12) // 12 base64url characters
 */
export function shortHash(value: string, length = 16): string {
  return createHash('sha256').update(value, 'utf8').digest('base64url').slice(0, length);
}
