import { InvalidPayloadError, type FieldErrors } from '../errors';
import { shiftDay } from './site-day';

/** What `/v1/stats` can return, by `dimension`: the day series and the top lists. */
export const STATS_DIMENSIONS = ['days', 'pages', 'entries', 'referrers', 'campaigns', 'sources', 'browsers', 'os', 'devices', 'countries', 'events', 'drops'] as const;
export type StatsDimension = (typeof STATS_DIMENSIONS)[number];

export const DEFAULT_RANGE_DAYS = 30;
export const MAX_RANGE_DAYS = 366;
export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 1000;

export interface StatsQuery {
  /** A host (`shop.example`, `127.0.0.1:3000`); undefined: the site with the most recent aggregates. */
  readonly site?: string;
  /** UTC days, inclusive. */
  readonly from: string;
  readonly to: string;
  readonly dimensions: readonly StatsDimension[];
  /** Entries per top list. */
  readonly limit: number;
  /** `previous`: also the totals and days of the period of the same length just before. */
  readonly compare?: 'previous';
}

/**
 * The period of the same length that ends the day before `from`.
 * @example previousPeriod('2026-11-08', '2026-11-14') // { from: '2026-11-01', to: '2026-11-07' }
 */
export function previousPeriod(from: string, to: string): { from: string; to: string } {
  const length = daysBetween(from, to);
  return { from: shiftDay(from, -length), to: shiftDay(from, -1) };
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
/** What `new URL(…).host` gives for a page: a name (underscores occur in real ones), or a bracketed IPv6 address, and a port. */
const HOST = /^(?:[a-z0-9_](?:[a-z0-9_.-]{0,251}[a-z0-9_])?|\[[0-9a-f:.]{2,45}\])(?::\d{1,5})?$/;

function isDay(value: string): boolean {
  if (!DAY.test(value)) return false;
  const time = Date.parse(`${value}T00:00:00.000Z`);
  return Number.isFinite(time) && new Date(time).toISOString().slice(0, 10) === value;
}


/** Whole days from `from` to `to`, inclusive. */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00.000Z`) - Date.parse(`${from}T00:00:00.000Z`)) / 86_400_000) + 1;
}

/** Every UTC day from `from` to `to`, inclusive. @example dayRange('2026-11-29', '2026-12-01') // ['2026-11-29', '2026-11-30', '2026-12-01'] */
export function dayRange(from: string, to: string): string[] {
  const days: string[] = [];
  for (let day = from; day <= to && days.length <= MAX_RANGE_DAYS; day = shiftDay(day, 1)) days.push(day);
  return days;
}

/**
 * Parses `site`, `from`, `to`, `dimension`, `limit` and `compare` of a stats request. Defaults: the last 30
 * UTC days ending today, every dimension, 100 entries per list. `dimension` takes a comma-separated
 * list (or repeats) of STATS_DIMENSIONS, or `all`. Anything invalid is a 400 naming the fields;
 * unknown parameters are ignored.
 * @example parseStatsQuery(new URLSearchParams('site=shop.example&from=2026-11-01&to=2026-11-30&dimension=pages'), now)
 */
export function parseStatsQuery(query: URLSearchParams, now: Date): StatsQuery {
  const errors: FieldErrors = {};
  const rawSite = query.get('site')?.trim().toLowerCase();
  let site: string | undefined;
  if (rawSite !== undefined && rawSite.length > 0) {
    if (rawSite.length <= 260 && HOST.test(rawSite)) site = rawSite;
    else errors.site = ['Must be a host such as shop.example or 127.0.0.1:3000'];
  }
  const today = now.toISOString().slice(0, 10);
  const day = (name: 'from' | 'to'): string | undefined => {
    const value = query.get(name)?.trim();
    if (value === undefined || value.length === 0) return undefined;
    if (!isDay(value)) {
      errors[name] = ['Must be a date YYYY-MM-DD'];
      return undefined;
    }
    return value;
  };
  const givenFrom = day('from');
  const givenTo = day('to');
  const to = givenTo ?? today;
  const from = givenFrom ?? shiftDay(to, -(DEFAULT_RANGE_DAYS - 1));
  if (errors.from === undefined && errors.to === undefined) {
    if (from > to) errors.from = ['Must not be after to'];
    else if (daysBetween(from, to) > MAX_RANGE_DAYS) errors.to = [`The range may span at most ${MAX_RANGE_DAYS} days`];
  }
  const requested = query
    .getAll('dimension')
    .flatMap((value) => value.split(','))
    .map((value) => value.trim())
    .filter((value) => value.length > 0);
  let dimensions: StatsDimension[] = [...STATS_DIMENSIONS];
  if (requested.length > 0 && !requested.includes('all')) {
    const unknown = requested.filter((value) => !(STATS_DIMENSIONS as readonly string[]).includes(value));
    if (unknown.length > 0) errors.dimension = [`Must be all or a comma-separated list of ${STATS_DIMENSIONS.join(', ')}`];
    else dimensions = STATS_DIMENSIONS.filter((dimension) => requested.includes(dimension));
  }
  const rawLimit = query.get('limit')?.trim();
  let limit = DEFAULT_LIMIT;
  if (rawLimit !== undefined && rawLimit.length > 0) {
    if (/^\d{1,4}$/.test(rawLimit) && Number(rawLimit) >= 1 && Number(rawLimit) <= MAX_LIMIT) limit = Number(rawLimit);
    else errors.limit = [`Must be a whole number from 1 to ${MAX_LIMIT}`];
  }
  const rawCompare = query.get('compare')?.trim();
  let compare: 'previous' | undefined;
  if (rawCompare !== undefined && rawCompare.length > 0) {
    if (rawCompare === 'previous') compare = 'previous';
    else errors.compare = ['Must be previous'];
  }
  if (Object.keys(errors).length > 0) throw new InvalidPayloadError('Invalid request', errors);
  return compare === undefined ? { site, from, to, dimensions, limit } : { site, from, to, dimensions, limit, compare };
}

/**
 * Parses the `site` of a realtime request (required: the realtime count is one site's). A missing
 * or invalid site is a 400 naming the field.
 * @example parseRealtimeQuery(new URLSearchParams('site=shop.example')) // { site: 'shop.example' }
 */
export function parseRealtimeQuery(query: URLSearchParams): { site: string } {
  const site = query.get('site')?.trim().toLowerCase();
  if (site === undefined || site.length === 0 || site.length > 260 || !HOST.test(site)) {
    throw new InvalidPayloadError('Invalid request', { site: ['Required: a host such as shop.example or 127.0.0.1:3000'] });
  }
  return { site };
}
