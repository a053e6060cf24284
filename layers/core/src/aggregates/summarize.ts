import { HOURLY, PREFIXES, TOTALS } from './counters';
import { dayRange, type StatsDimension, type StatsQuery } from './stats-query';

export interface DayStats {
  readonly date: string;
  readonly visitors: number;
  readonly sessions: number;
  readonly pageviews: number;
  readonly events: number;
  readonly gpc: number;
  readonly bots: number;
  readonly gpcDropped: number;
  /** Sessions of returning devices (docs/dashboard.md, "Returning devices"): by cookie, visitorId and request fingerprint. */
  readonly returning: number;
  readonly returningByCookie: number;
  readonly returningByVisitorId: number;
  readonly returningByFingerprint: number;
}

/** One UTC hour of a one-day range. */
export interface HourStats {
  /** The hour's start, ISO (`2026-11-22T07:00:00.000Z`). */
  readonly hour: string;
  readonly visitors: number;
  readonly pageviews: number;
}

export interface Ranked {
  readonly value: string;
  readonly count: number;
}

export interface PageStats {
  readonly path: string;
  readonly pageviews: number;
  /** Distinct sessions that viewed the page, summed over the days (a session counts once a day). */
  readonly sessions: number;
}

export type Totals = Omit<DayStats, 'date'>;

export interface StatsReport {
  readonly site: string | null;
  readonly from: string;
  readonly to: string;
  /** Sums over the range; `visitors` and `sessions` are sums of the daily unique counts. */
  readonly totals: Totals;
  readonly days?: readonly DayStats[];
  /** The 24 hours of the day, when the range is one day (with `days`). */
  readonly hours?: readonly HourStats[];
  readonly pages?: readonly PageStats[];
  /** Entry pages: the first page of each session, counted once per session and day. */
  readonly entries?: readonly Ranked[];
  readonly referrers?: readonly Ranked[];
  readonly campaigns?: readonly Ranked[];
  readonly sources?: readonly Ranked[];
  readonly browsers?: readonly Ranked[];
  readonly os?: readonly Ranked[];
  readonly devices?: readonly Ranked[];
  readonly countries?: readonly Ranked[];
  readonly events?: readonly Ranked[];
  readonly drops?: { readonly bot: number; readonly gpc: number };
  /** Time of the latest event the aggregates counted in the range (the "catching up" hint). */
  readonly latestEventAt: string | null;
}

const RANKED = { entries: PREFIXES.entries, referrers: PREFIXES.referrers, campaigns: PREFIXES.campaigns, sources: PREFIXES.sources, browsers: PREFIXES.browsers, os: PREFIXES.os, devices: PREFIXES.devices, countries: PREFIXES.countries, events: PREFIXES.events } as const;

const numberOf = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) ? value : 0);

function ranked(totals: Map<string, number>, limit: number): Ranked[] {
  return [...totals]
    .filter(([, count]) => count > 0)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .slice(0, limit)
    .map(([value, count]) => ({ value, count }));
}

function sumInto(totals: Map<string, number>, key: string, value: unknown): void {
  totals.set(key, (totals.get(key) ?? 0) + numberOf(value));
}

/**
 * Turns a site's day items (day counters and drop counters, as queryDayCounters returns them) into
 * the stats report: every day of the range (zero-filled), totals, and the requested top lists.
 * @example summarizeDays('shop.example', items, query)
 */
export function summarizeDays(site: string | null, items: readonly Record<string, unknown>[], query: StatsQuery): StatsReport {
  const wanted = new Set<StatsDimension>(query.dimensions);
  const days = new Map(
    dayRange(query.from, query.to).map((date) => [
      date,
      { date, visitors: 0, sessions: 0, pageviews: 0, events: 0, gpc: 0, bots: 0, gpcDropped: 0, returning: 0, returningByCookie: 0, returningByVisitorId: 0, returningByFingerprint: 0 },
    ]),
  );
  const hours = Array.from({ length: 24 }, (_, hour) => ({ hour: `${query.from}T${String(hour).padStart(2, '0')}:00:00.000Z`, visitors: 0, pageviews: 0 }));
  const lists = Object.fromEntries(Object.keys(RANKED).map((name) => [name, new Map<string, number>()])) as Record<keyof typeof RANKED, Map<string, number>>;
  const pageviews = new Map<string, number>();
  const pageSessions = new Map<string, number>();
  let latest: string | null = null;
  for (const item of items) {
    const sk = typeof item.sk === 'string' ? item.sk : '';
    const match = /^D#(\d{4}-\d{2}-\d{2})(#drops)?$/.exec(sk);
    const day = match === null ? undefined : days.get(match[1]!);
    if (day === undefined) continue;
    if (match![2] !== undefined) {
      day.bots += numberOf(item.bot);
      day.gpcDropped += numberOf(item.gpc);
      continue;
    }
    day.visitors += numberOf(item[TOTALS.visitors]);
    day.sessions += numberOf(item[TOTALS.sessions]);
    day.pageviews += numberOf(item[TOTALS.pageviews]);
    day.events += numberOf(item[TOTALS.events]);
    day.gpc += numberOf(item[TOTALS.gpc]);
    day.returningByCookie += numberOf(item[TOTALS.returningByCookie]);
    day.returningByVisitorId += numberOf(item[TOTALS.returningByVisitorId]);
    day.returningByFingerprint += numberOf(item[TOTALS.returningByFingerprint]);
    day.returning = day.returningByCookie + day.returningByVisitorId + day.returningByFingerprint;
    if (typeof item.la === 'string' && (latest === null || item.la > latest)) latest = item.la;
    for (const [name, value] of Object.entries(item)) {
      if (name.startsWith(PREFIXES.pages)) sumInto(pageviews, name.slice(PREFIXES.pages.length), value);
      else if (name.startsWith(PREFIXES.pageSessions)) sumInto(pageSessions, name.slice(PREFIXES.pageSessions.length), value);
      else if (/^h[pv]\d\d$/.test(name)) {
        const hour = hours[Number(name.slice(2))];
        if (hour !== undefined) {
          if (name.startsWith(HOURLY.pageviews)) hour.pageviews += numberOf(value);
          else hour.visitors += numberOf(value);
        }
      } else {
        for (const [list, prefix] of Object.entries(RANKED) as [keyof typeof RANKED, string][]) {
          if (name.startsWith(prefix)) sumInto(lists[list], name.slice(prefix.length), value);
        }
      }
    }
  }
  const series = [...days.values()];
  const sum = (name: keyof Totals): number => series.reduce((total, day) => total + day[name], 0);
  const totals: Totals = {
    visitors: sum('visitors'),
    sessions: sum('sessions'),
    pageviews: sum('pageviews'),
    events: sum('events'),
    gpc: sum('gpc'),
    bots: sum('bots'),
    gpcDropped: sum('gpcDropped'),
    returning: sum('returning'),
    returningByCookie: sum('returningByCookie'),
    returningByVisitorId: sum('returningByVisitorId'),
    returningByFingerprint: sum('returningByFingerprint'),
  };
  const report: Record<string, unknown> = { site, from: query.from, to: query.to, totals, latestEventAt: latest };
  if (wanted.has('days')) report.days = series;
  if (wanted.has('days') && query.from === query.to) report.hours = hours;
  if (wanted.has('pages')) {
    const paths = new Set([...pageviews.keys(), ...pageSessions.keys()]);
    report.pages = [...paths]
      .map((path) => ({ path, pageviews: pageviews.get(path) ?? 0, sessions: pageSessions.get(path) ?? 0 }))
      .sort((a, b) => b.sessions - a.sessions || b.pageviews - a.pageviews || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
      .slice(0, query.limit);
  }
  for (const list of Object.keys(RANKED) as (keyof typeof RANKED)[]) {
    if (wanted.has(list)) report[list] = ranked(lists[list], query.limit);
  }
  if (wanted.has('drops')) report.drops = { bot: totals.bots, gpc: totals.gpcDropped };
  return report as unknown as StatsReport;
}
