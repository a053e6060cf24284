import type { AggregateStore, AggregatorDependencies } from '../aggregates/aggregate-batch';
import { aggregateBatch } from '../aggregates/aggregate-batch';
import { MARKER_RETENTION_DAYS, type SessionGroup } from '../aggregates/fold';
import type { ForwardEvent } from '../forwarding/event';
import { addDayCounters } from './aggregates/add-day-counters';
import { claimSessionDay, type SessionDayClaim } from './aggregates/claim-session-day';
import { claimVisitorDay } from './aggregates/claim-visitor-day';
import { findEarlierVisitorDay } from './aggregates/find-earlier-visitor-day';
import { shiftDay } from '../aggregates/site-day';
import { getDayMarkers, markerId } from './aggregates/get-day-markers';
import { touchAggregateSite } from './aggregates/touch-aggregate-site';
import { DAY_ITEM_SOFT_LIMIT_KB, foldNewValues, remember } from './dynamo-aggregate-store';
import { claimDevice } from './aggregates/claim-device';
import { latestMinute } from '../aggregates/realtime';
import { DEVICE_RETENTION_DAYS } from '../aggregates/returning';
import type { TableContext } from './client';
import { incrementHitCounter } from './hits/increment-hit-counter';
import { keys } from './keys';

/** One write the batch decided on, in a form the journal can hold. */
export type JournaledWrite =
  | { readonly op: 'session'; readonly claim: Omit<SessionDayClaim, 'now'> & { readonly now: string } }
  | {
      readonly op: 'visitor';
      readonly site: string;
      readonly day: string;
      readonly visitorHash: string;
      readonly token: string;
      /** The session may be used for returning devices (claimVisitorDay's `dv`); absent in journals written before it existed. */
      readonly device?: boolean;
    }
  | { readonly op: 'day'; readonly site: string; readonly day: string; readonly increments: readonly (readonly [string, number])[]; readonly latestAt: string }
  | { readonly op: 'hits'; readonly url: string; readonly by: number };

/** The batch in progress: its number (stamps are `batch * 1000 + index`) and its writes, empty once applied. */
export interface JournalEntry {
  readonly batch: number;
  readonly writes: readonly JournaledWrite[];
}

/** Where the journal lives (a file in the local stack's data directory: infra/local/aggregate-journal.ts). */
export interface AggregateJournal {
  read(): JournalEntry | undefined;
  /** Replaces the entry durably enough to survive the process being killed (write, then rename). */
  write(entry: JournalEntry): void;
}

const retentionDays = MARKER_RETENTION_DAYS;

/**
 * Applies a batch's writes, all idempotent: set ADDs on markers, markers created only if absent, and
 * counter writes stamped so one that was applied before a crash is refused the second time. Each
 * item appears once per batch (merged before journaling), so the writes can run in parallel.
 */
async function apply(table: TableContext, entry: JournalEntry, full: Set<string>): Promise<void> {
  await Promise.all(
    entry.writes.map(async (write, index) => {
      const stamp = entry.batch * 1000 + index;
      switch (write.op) {
        case 'session':
          await claimSessionDay(table, { ...write.claim, now: new Date(write.claim.now) });
          return;
        case 'visitor':
          await claimVisitorDay(table, {
            site: write.site,
            day: write.day,
            visitorHash: write.visitorHash,
            token: write.token,
            device: write.device === true,
            retentionDays: DEVICE_RETENTION_DAYS,
          });
          return;
        case 'day': {
          const units = await addDayCounters(table, write.site, write.day, new Map(write.increments), write.latestAt, stamp);
          // The same soft limit as on AWS: a full day item takes new values of open dimensions as `(other)`.
          if (units !== undefined && units >= DAY_ITEM_SOFT_LIMIT_KB) remember(full, `${write.site}\n${write.day}`);
          return;
        }
        case 'hits':
          await incrementHitCounter(table, write.url, { by: write.by, stamp });
          return;
      }
    }),
  );
}

/** Collects a batch's writes instead of making them: reads answer as if the earlier ones were made. */
function unitOfWork(table: TableContext, full: ReadonlySet<string>, listed: Set<string>): { store: AggregateStore; writes(): JournaledWrite[] } {
  const sessions = new Map<string, JournaledWrite & { op: 'session' }>();
  // `deviceBefore`: whether the stored marker had `dv` before this batch (read once, not journaled).
  const visitors = new Map<string, JournaledWrite & { op: 'visitor'; deviceBefore: Promise<boolean> }>();
  const days = new Map<string, { site: string; day: string; increments: Map<string, number>; latestAt: string }>();
  const hits = new Map<string, number>();
  const sessionKey = (group: SessionGroup) => markerId(keys.sessionDayMarker(group.site, group.day, group.sessionHash));
  const visitorKey = (group: SessionGroup & { visitorHash: string }) => markerId(keys.visitorDayMarker(group.site, group.day, group.visitorHash));
  const store: AggregateStore = {
    async claimSession(group, now) {
      const { sessions: found } = await getDayMarkers(table, { sessions: [group], visitors: [] });
      const key = sessionKey(group);
      const pageHashes = [...new Set(group.events.flatMap((event) => (event.pageHash === undefined ? [] : [event.pageHash])))];
      sessions.set(key, {
        op: 'session',
        claim: {
          site: group.site,
          day: group.day,
          sessionHash: group.sessionHash,
          eventHashes: group.events.map((event) => event.eventHash),
          pageHashes,
          visitorHash: group.visitorHash,
          minute: latestMinute(group),
          now: now.toISOString(),
          retentionDays,
        },
      });
      return found.get(key)!;
    },
    async claimVisitor(group, token) {
      const key = visitorKey(group);
      const device = group.device?.kind === 'visitorId';
      // Claimed before the read: another group of this batch with the same visitor must see it.
      const pending = visitors.get(key);
      if (pending !== undefined) {
        // Marked before waiting on the read, as the conditional write would be: a third group of this visitor sees it.
        const claimedBefore = pending.device === true;
        if (device) Object.assign(pending, { device: true });
        return { newVisitor: false, deviceSeen: claimedBefore || (await pending.deviceBefore) };
      }
      const found = getDayMarkers(table, { sessions: [], visitors: [group] });
      const deviceBefore = found.then((markers) => markers.deviceVisitors.has(key));
      // A failed read fails this group (and the other groups waiting on it), which are redelivered.
      deviceBefore.catch(() => undefined);
      visitors.set(key, { op: 'visitor', site: group.site, day: group.day, visitorHash: group.visitorHash, token, device, deviceBefore });
      const markers = await found;
      return { newVisitor: !markers.visitors.has(key), deviceSeen: markers.deviceVisitors.has(key) };
    },
    async releaseSession(group) {
      sessions.delete(sessionKey(group));
    },
    async releaseVisitor(group) {
      visitors.delete(visitorKey(group));
    },
    async addDayCounters(site, day, given, latestAt) {
      const key = `${site}\n${day}`;
      const increments = full.has(key) ? await foldNewValues(table, site, day, given) : given;
      const entry = days.get(key) ?? { site, day, increments: new Map<string, number>(), latestAt };
      for (const [name, by] of increments) entry.increments.set(name, (entry.increments.get(name) ?? 0) + by);
      if (latestAt > entry.latestAt) entry.latestAt = latestAt;
      days.set(key, entry);
    },
    async addHits(added) {
      for (const [url, by] of added) hits.set(url, (hits.get(url) ?? 0) + by);
    },
    // Idempotent on their own (a create if absent; a device marker keeps its first session): made at once.
    async touchSite(site, day) {
      // Once per site and day per process, as the AWS store does: not a write every batch.
      const key = `${site}\n${day}`;
      if (listed.has(key)) return;
      await touchAggregateSite(table, site, day);
      remember(listed, key);
    },
    claimDevice: (site, deviceHash, sessionHash, now) => claimDevice(table, { site, deviceHash, sessionHash, now, retentionDays: DEVICE_RETENTION_DAYS }),
    async visitorSeenBefore(site, visitorHash, day) {
      // An earlier day of this visitor claimed by this very batch is not written yet: it answers too.
      const from = shiftDay(day, -DEVICE_RETENTION_DAYS);
      for (const write of visitors.values()) {
        if (write.site === site && write.visitorHash === visitorHash && write.device === true && write.day >= from && write.day < day) return true;
      }
      return findEarlierVisitorDay(table, { site, visitorHash, day, lookBackDays: DEVICE_RETENTION_DAYS });
    },
  };
  return {
    store,
    writes: () => [
      ...sessions.values(),
      ...[...visitors.values()].map(({ deviceBefore: _before, ...write }) => write),
      ...[...days.values()].map((entry) => ({ op: 'day' as const, site: entry.site, day: entry.day, increments: [...entry.increments], latestAt: entry.latestAt })),
      ...[...hits].map(([url, by]) => ({ op: 'hits' as const, url, by })),
    ],
  };
}

/**
 * The aggregation for a single sequential consumer (the local stack), exact across `kill -9`: each
 * batch reads the markers, decides every write, journals them, then applies them; a batch killed
 * half-way is finished from the journal before the next one. On AWS the forwarder claims with
 * conditional writes instead (concurrent batches); see docs/architecture.md for the difference.
 * @example const aggregate = journaledAggregator(table, fileJournal('.edgeprint/aggregate-journal.json'), { log })
 */
export function journaledAggregator(
  table: TableContext,
  journal: AggregateJournal,
  deps: Omit<AggregatorDependencies, 'store'>,
): (events: readonly ForwardEvent[]) => Promise<Map<string, unknown>> {
  let lastBatch = journal.read()?.batch ?? 0;
  let recovered = false;
  let failedReplays = 0;
  const full = new Set<string>();
  const listed = new Set<string>();
  let queue: Promise<unknown> = Promise.resolve();
  const finishJournaled = async () => {
    const pending = journal.read();
    if (pending !== undefined && pending.writes.length > 0) {
      try {
        await apply(table, pending, full);
      } catch (error) {
        // A journal that keeps failing would stop all counting: after 5 tries it is given up, loudly.
        failedReplays += 1;
        if (failedReplays < 5) throw error;
        deps.log('error', 'aggregate journal given up after 5 failed replays; its counts are lost', {
          metric: 'AggregateLost',
          batch: pending.batch,
          events: pending.writes.length,
          error: error instanceof Error ? error.message : String(error),
        });
      }
      failedReplays = 0;
      journal.write({ batch: pending.batch, writes: [] });
      deps.log('info', 'aggregate journal replayed', { batch: pending.batch, writes: pending.writes.length });
    }
    recovered = true;
  };
  const run = async (events: readonly ForwardEvent[]) => {
    if (!recovered) await finishJournaled();
    const work = unitOfWork(table, full, listed);
    const failures = await aggregateBatch(events, { ...deps, store: work.store });
    const writes = work.writes();
    if (writes.length === 0) return failures;
    lastBatch += 1;
    const entry = { batch: lastBatch, writes };
    journal.write(entry);
    await apply(table, entry, full).catch((error: unknown) => {
      // The journal keeps the writes: the next batch finishes them first.
      recovered = false;
      throw error;
    });
    journal.write({ batch: lastBatch, writes: [] });
    return failures;
  };
  return (events) => {
    const result = queue.then(() => run(events));
    queue = result.catch(() => undefined);
    return result;
  };
}
