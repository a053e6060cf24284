/**
 * The attribute names of a day-counters item (`AGG#<site>` / `D#<day>`): a few totals, then one
 * numeric attribute per dimension value, named `<prefix><value>` (`p:/pricing`, `b:Firefox`).
 * Short names keep the item, and so the write units of each update, small.
 */
export const TOTALS = {
  /** Pageviews: browser-reported pageviews plus fingerprinted requests (redirect page, edge, fingerprint()). */
  pageviews: 'pv',
  /** Unique visitors of the day (visitorId, else the session). */
  visitors: 'uv',
  /** Sessions seen that day. */
  sessions: 'ss',
  /** Custom events. */
  events: 'ce',
  /** Events of visitors who sent Global Privacy Control (`Sec-GPC: 1`). */
  gpc: 'gpc',
  /** Sessions of the day whose cookie was set on an earlier day (returning devices, by cookie). */
  returningByCookie: 'rc',
  /** Sessions with a new cookie whose browser visitorId was seen with an earlier session. */
  returningByVisitorId: 'rv',
  /** Sessions with a new cookie and no visitorId whose request fingerprint was seen with an earlier session. */
  returningByFingerprint: 'rf',
} as const;

/** Dimension to attribute prefix. `pageSessions` counts the distinct sessions per page (the unique-session hits of that day). */
export const PREFIXES = {
  pages: 'p:',
  pageSessions: 's:',
  referrers: 'r:',
  campaigns: 'c:',
  sources: 'u:',
  browsers: 'b:',
  os: 'o:',
  devices: 'd:',
  countries: 'g:',
  events: 'e:',
  /** Entry pages: the first page of each session of the day. */
  entries: 'n:',
} as const;

/**
 * Hourly counters on the day item, named `<prefix><HH>` (`hp07`): pageviews per UTC hour, and
 * unique visitors by the hour of their first counted event that day (so the hours sum to the day).
 */
export const HOURLY = { pageviews: 'hp', visitors: 'hv' } as const;

/** Realtime minute counters on the day item, `t<HHMM>`: sessions last active in that UTC minute (aggregates/realtime.ts). */
export const REALTIME_PREFIX = 't';

/** Whether an attribute name is a realtime minute counter. @example isRealtimeCounter('t1007') // true */
export const isRealtimeCounter = (name: string): boolean => /^t\d{4}$/.test(name);

export type CountedDimension = keyof typeof PREFIXES;

/** Dimensions whose values are open-ended (any path, host or campaign): the ones a full item folds into `(other)`. */
export const OPEN_ENDED: readonly CountedDimension[] = ['pages', 'pageSessions', 'referrers', 'campaigns', 'sources', 'events', 'entries'];

/** Counter increments by attribute name. */
export type Increments = Map<string, number>;

/** @example add(increments, 'p:/a') */
export function add(increments: Increments, name: string, by = 1): void {
  increments.set(name, (increments.get(name) ?? 0) + by);
}

/** @example merged = mergeIncrements([a, b]) */
export function mergeIncrements(parts: readonly Increments[]): Increments {
  const merged: Increments = new Map();
  for (const part of parts) for (const [name, by] of part) add(merged, name, by);
  return merged;
}

/** The drop counters kept per (site, day) beside the day counters (attributes of the `#drops` item). */
export const DROP_REASONS = ['bot', 'gpc'] as const;
export type PersistedDropReason = (typeof DROP_REASONS)[number];
