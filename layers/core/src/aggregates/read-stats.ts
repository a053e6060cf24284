import type { TableContext } from '../store/client';
import { listAggregateSites, type AggregateSite } from '../store/aggregates/list-aggregate-sites';
import { queryDayCounters } from '../store/aggregates/query-day-counters';
import { queryRealtimeCounters } from '../store/aggregates/query-realtime-counters';
import { minuteOf, REALTIME_MINUTES, realtimeWindow } from './realtime';
import { previousPeriod, type StatsQuery } from './stats-query';
import { summarizeDays, type DayStats, type HourStats, type StatsReport, type Totals } from './summarize';

/** The period before, when asked with `compare=previous`: its totals and its day (or hour) series. */
export interface PreviousPeriod {
  readonly from: string;
  readonly to: string;
  readonly totals: Totals;
  readonly days?: readonly DayStats[];
  readonly hours?: readonly HourStats[];
}

export type StatsAnswer = StatsReport & { readonly sites: readonly AggregateSite[]; readonly previous?: PreviousPeriod };

/** The site shown when none is asked for: the one with the most recent aggregates. */
function defaultSite(sites: readonly AggregateSite[]): string | undefined {
  return [...sites].sort((a, b) => (b.lastDay ?? '').localeCompare(a.lastDay ?? '') || a.site.localeCompare(b.site))[0]?.site;
}

/**
 * The stats of one site and date range: two Queries (the site list, and the site's day items in
 * the range), never a scan. With `compare=previous` the one day-items Query starts at the previous
 * period instead, so comparing costs no extra request.
 * @example const answer = await readStats(runtime.table, parseStatsQuery(request.query, runtime.now()))
 */
export async function readStats(table: TableContext, query: StatsQuery): Promise<StatsAnswer> {
  const sites = await listAggregateSites(table);
  const site = query.site ?? defaultSite(sites);
  const before = query.compare === 'previous' ? previousPeriod(query.from, query.to) : undefined;
  const items = site === undefined ? [] : await queryDayCounters(table, site, before?.from ?? query.from, query.to);
  const report = summarizeDays(site ?? null, items, query);
  if (before === undefined) return { ...report, sites };
  const earlier = summarizeDays(site ?? null, items, { ...query, ...before, dimensions: query.dimensions.includes('days') ? ['days'] : [] });
  const previous: PreviousPeriod = { from: before.from, to: before.to, totals: earlier.totals, days: earlier.days, hours: earlier.hours };
  return { ...report, sites, previous };
}

export interface RealtimeAnswer {
  readonly site: string;
  /** Distinct visitors (browser sessions, one per cookie) with an event recorded in the last 5 minutes. */
  readonly visitors: number;
  /** Start of the window: the first of the 5 minutes. */
  readonly since: string;
}

/**
 * Visitors of a site in the last 5 minutes (the current minute and the 4 before it): the sum of
 * the day item's 5 minute counters, one Query, never a scan.
 * @example const { visitors } = await readRealtime(runtime.table, 'shop.example', runtime.now())
 */
export async function readRealtime(table: TableContext, site: string, now: Date): Promise<RealtimeAnswer> {
  const since = minuteOf(new Date(now.getTime() - (REALTIME_MINUTES - 1) * 60_000));
  const counts = await queryRealtimeCounters(table, site, realtimeWindow(now));
  // A counter can dip below zero for a moment (a session's move counted before its arrival): never show less than none.
  return { site, visitors: Math.max(0, counts.reduce((sum, count) => sum + count, 0)), since: `${since}:00.000Z` };
}
