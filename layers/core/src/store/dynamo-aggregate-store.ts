import type { AggregateStore } from '../aggregates/aggregate-batch';
import { OPEN_ENDED, PREFIXES, type Increments } from '../aggregates/counters';
import { OTHER } from '../aggregates/dimensions';
import { MARKER_RETENTION_DAYS } from '../aggregates/fold';
import { addDayCounters } from './aggregates/add-day-counters';
import { latestMinute } from '../aggregates/realtime';
import { DEVICE_RETENTION_DAYS } from '../aggregates/returning';
import { claimDevice } from './aggregates/claim-device';
import { claimSessionDay } from './aggregates/claim-session-day';
import { claimVisitorDay } from './aggregates/claim-visitor-day';
import { findEarlierVisitorDay } from './aggregates/find-earlier-visitor-day';
import { getPresentCounters } from './aggregates/get-present-counters';
import { releaseSessionDay } from './aggregates/release-session-day';
import { releaseVisitorDay } from './aggregates/release-visitor-day';
import { touchAggregateSite } from './aggregates/touch-aggregate-site';
import type { TableContext } from './client';
import { incrementHitCounter } from './hits/increment-hit-counter';

/**
 * A day item this large (KB, as the write units of its last update tell) is full: from then on, new
 * values of the open-ended dimensions (pages, referrers, campaigns, sources, custom events) are
 * counted under `(other)` while values already on the item keep counting. Each update of an item
 * costs 1 write unit per KB, so this bounds the cost of every later update, and keeps the item far
 * from DynamoDB's 400 KB limit. About 800 distinct values fit.
 */
export const DAY_ITEM_SOFT_LIMIT_KB = 32;

/** Per-process memory of full items and listed sites, kept small. */
const MEMORY_LIMIT = 10_000;

export function remember(set: Set<string>, key: string): void {
  if (set.size >= MEMORY_LIMIT) set.clear();
  set.add(key);
}

const openPrefixes = OPEN_ENDED.map((dimension) => PREFIXES[dimension]);
const prefixOf = (name: string) => openPrefixes.find((prefix) => name.startsWith(prefix));

/** Moves the increments of values the full item does not have yet to `(other)`. */
export async function foldNewValues(table: TableContext, site: string, day: string, increments: Increments): Promise<Increments> {
  const open = [...increments.keys()].filter((name) => prefixOf(name) !== undefined);
  const present = await getPresentCounters(table, site, day, open);
  const folded: Increments = new Map();
  for (const [name, by] of increments) {
    const prefix = prefixOf(name);
    const target = prefix === undefined || present.has(name) ? name : `${prefix}${OTHER}`;
    folded.set(target, (folded.get(target) ?? 0) + by);
  }
  return folded;
}

/**
 * The aggregation's store over the table: one file per access pattern under store/aggregates/.
 * @example const failures = await aggregateBatch(events, { store: dynamoAggregateStore(table), log })
 */
export function dynamoAggregateStore(table: TableContext, options: { softLimitKb?: number } = {}): AggregateStore {
  const softLimitKb = options.softLimitKb ?? DAY_ITEM_SOFT_LIMIT_KB;
  const full = new Set<string>();
  const listed = new Set<string>();
  const retentionDays = MARKER_RETENTION_DAYS;
  return {
    claimSession: (group, now) =>
      claimSessionDay(table, {
        site: group.site,
        day: group.day,
        sessionHash: group.sessionHash,
        eventHashes: group.events.map((event) => event.eventHash),
        pageHashes: [...new Set(group.events.flatMap((event) => (event.pageHash === undefined ? [] : [event.pageHash])))],
        visitorHash: group.visitorHash,
        minute: latestMinute(group),
        now,
        retentionDays,
      }),
    // Kept as long as the look-back of returning devices: the visitor's earlier days answer visitorSeenBefore.
    async claimVisitor(group, token) {
      const device = group.device?.kind === 'visitorId';
      const outcome = await claimVisitorDay(table, { site: group.site, day: group.day, visitorHash: group.visitorHash, token, device, retentionDays: DEVICE_RETENTION_DAYS });
      return { newVisitor: outcome.created, deviceSeen: outcome.deviceSeen };
    },
    releaseSession: (group, release) => releaseSessionDay(table, { site: group.site, day: group.day, sessionHash: group.sessionHash, ...release }),
    releaseVisitor: (group, token) => releaseVisitorDay(table, { site: group.site, day: group.day, visitorHash: group.visitorHash, token }),
    async addDayCounters(site, day, increments, latestAt) {
      const key = `${site}\n${day}`;
      const toWrite = full.has(key) ? await foldNewValues(table, site, day, increments) : increments;
      const units = await addDayCounters(table, site, day, toWrite, latestAt);
      if (units !== undefined && units >= softLimitKb) remember(full, key);
    },
    async addHits(hits) {
      await Promise.all([...hits].map(([url, by]) => incrementHitCounter(table, url, { by })));
    },
    claimDevice: (site, deviceHash, sessionHash, now) => claimDevice(table, { site, deviceHash, sessionHash, now, retentionDays: DEVICE_RETENTION_DAYS }),
    visitorSeenBefore: (site, visitorHash, day) => findEarlierVisitorDay(table, { site, visitorHash, day, lookBackDays: DEVICE_RETENTION_DAYS }),
    async touchSite(site, day) {
      const key = `${site}\n${day}`;
      if (listed.has(key)) return;
      await touchAggregateSite(table, site, day);
      remember(listed, key);
    },
  };
}
