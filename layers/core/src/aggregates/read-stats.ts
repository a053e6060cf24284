import type { TableContext } from '../store/client';
import { listAggregateSites, type AggregateSite } from '../store/aggregates/list-aggregate-sites';
import { queryDayCounters } from '../store/aggregates/query-day-counters';
import type { StatsQuery } from './stats-query';
import { summarizeDays, type StatsReport } from './summarize';

export type StatsAnswer = StatsReport & { readonly sites: readonly AggregateSite[] };

/** The site shown when none is asked for: the one with the most recent aggregates. */
function defaultSite(sites: readonly AggregateSite[]): string | undefined {
  return [...sites].sort((a, b) => (b.lastDay ?? '').localeCompare(a.lastDay ?? '') || a.site.localeCompare(b.site))[0]?.site;
}

/**
 * The stats of one site and date range: two Queries (the site list, and the site's day items in
 * the range), never a scan.
 * @example const answer = await readStats(runtime.table, parseStatsQuery(request.query, runtime.now()))
 */
export async function readStats(table: TableContext, query: StatsQuery): Promise<StatsAnswer> {
  const sites = await listAggregateSites(table);
  const site = query.site ?? defaultSite(sites);
  const items = site === undefined ? [] : await queryDayCounters(table, site, query.from, query.to);
  return { ...summarizeDays(site ?? null, items, query), sites };
}
