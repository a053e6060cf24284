// Apart from dimensions.ts, which parses user agents: the HTTP functions need only the site and day
// (drop counters), and should not bundle a user-agent parser for it.

/** An http(s) URL, or undefined for anything else (or anything longer than 4096 characters). */
export function parseUrl(value: string | undefined): URL | undefined {
  if (value === undefined || value.length === 0 || value.length > 4096) return undefined;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The site an event belongs to: its page URL's host (lower case, with the port when not the default).
 * @example siteOf('https://Shop.example:8443/a?b=1') // 'shop.example:8443'
 */
export function siteOf(url: string | undefined): string | undefined {
  const host = parseUrl(url)?.host;
  return host === undefined || host.length === 0 || host.length > 260 ? undefined : host;
}

/**
 * The UTC day of an ISO time, `YYYY-MM-DD`; undefined when it is not a time.
 * @example dayOf('2026-11-22T23:59:59.000Z') // '2026-11-22'
 */
export function dayOf(at: string | Date): string | undefined {
  const time = typeof at === 'string' ? Date.parse(at) : at.getTime();
  return Number.isFinite(time) ? new Date(time).toISOString().slice(0, 10) : undefined;
}

/** `YYYY-MM-DD` of `day` moved by `by` days (UTC). @example shiftDay('2026-03-01', -1) // '2026-02-28' */
export function shiftDay(day: string, by: number): string {
  return new Date(Date.parse(`${day}T00:00:00.000Z`) + by * 86_400_000).toISOString().slice(0, 10);
}
