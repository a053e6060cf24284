import { randomBytes } from 'node:crypto';
import type { ForwardEvent } from '../forwarding/event';
import { mergeIncrements, type Increments } from './counters';
import { countGroup, planAggregation, type ClaimOutcome, type CountedEvent, type SessionGroup } from './fold';
import { recogniseDevice, type DeviceMarkerStore } from './returning';

/** The aggregation's storage port (implemented over the table in store/dynamo-aggregate-store.ts). */
export interface AggregateStore extends DeviceMarkerStore {
  claimSession(group: SessionGroup, now: Date): Promise<ClaimOutcome & { readonly visitorChecked: boolean }>;
  /**
   * Claims the (site, visitor, day) marker: `newVisitor` when this call created it, `deviceSeen` when a
   * session that may be used for returning devices had claimed it before (store/aggregates/claim-visitor-day.ts).
   */
  claimVisitor(group: SessionGroup & { readonly visitorHash: string }, token: string): Promise<{ readonly newVisitor: boolean; readonly deviceSeen: boolean }>;
  releaseSession(group: SessionGroup, release: { eventHashes: readonly string[]; pageHashes: readonly string[]; forgetSession: boolean; forgetVisitor: boolean }): Promise<void>;
  releaseVisitor(group: SessionGroup & { readonly visitorHash: string }, token: string): Promise<void>;
  /** Adds one (site, day)'s increments in one write. */
  addDayCounters(site: string, day: string, increments: Increments, latestAt: string): Promise<void>;
  /** Adds unique-session hits to each URL's counter (one write per URL). */
  addHits(hits: ReadonlyMap<string, number>): Promise<void>;
  /** Lists the site for the dashboard (once per site and day per cold start is enough). */
  touchSite(site: string, day: string): Promise<void>;
}

export interface AggregatorDependencies {
  readonly store: AggregateStore;
  readonly now?: () => Date;
  readonly log: (level: 'info' | 'warn' | 'error', message: string, details: Record<string, unknown>) => void;
  /** `false` keeps only the hit counters (the dashboard's day counters off). @default true */
  readonly dayCounters?: boolean;
}

/** Session groups per counter write: keeps each UpdateItem's expression well under DynamoDB's 4 KB. */
export const MAX_EVENTS_PER_WRITE = 20;

interface Claimed {
  readonly group: SessionGroup;
  readonly claim: ClaimOutcome & { readonly visitorChecked: boolean };
  readonly visitorToken?: string;
  readonly fresh: readonly CountedEvent[];
  readonly increments: Increments;
  readonly hits: ReadonlyMap<string, number>;
}

function chunks(groups: readonly SessionGroup[]): SessionGroup[][] {
  const result: SessionGroup[][] = [];
  let current: SessionGroup[] = [];
  let size = 0;
  for (const group of groups) {
    if (current.length > 0 && size + group.events.length > MAX_EVENTS_PER_WRITE) {
      result.push(current);
      current = [];
      size = 0;
    }
    current.push(group);
    size += group.events.length;
  }
  if (current.length > 0) result.push(current);
  return result;
}

const withVisitor = (group: SessionGroup): (SessionGroup & { visitorHash: string }) | undefined =>
  group.visitorHash === undefined ? undefined : (group as SessionGroup & { visitorHash: string });

/** Claims one session group's markers and works out what it adds to the day's counters. */
async function claimGroup(group: SessionGroup, deps: AggregatorDependencies, now: Date): Promise<Claimed> {
  const session = await deps.store.claimSession(group, now);
  const visitor = withVisitor(group);
  let claim: ClaimOutcome & { visitorChecked: boolean } = session;
  let visitorToken: string | undefined;
  if (visitor !== undefined && !session.visitorChecked) {
    visitorToken = `${now.toISOString()}#${randomBytes(6).toString('base64url')}`;
    try {
      const visitorClaim = await deps.store.claimVisitor(visitor, visitorToken);
      claim = { ...session, newVisitor: visitorClaim.newVisitor, visitorDeviceSeen: visitorClaim.deviceSeen };
    } catch (error) {
      await releaseGroup(deps, { group, claim: session, fresh: group.events.filter((event) => !session.countedEvents.has(event.eventHash)) });
      throw error;
    }
  }
  claim = await recogniseDevice(group, claim, deps, now);
  const count = countGroup(group, claim, now);
  return { group, claim, visitorToken, fresh: count.fresh, increments: count.increments, hits: count.hits };
}

function newPages(group: SessionGroup, claim: ClaimOutcome): string[] {
  const pages = new Set<string>();
  for (const event of group.events) if (event.pageHash !== undefined && !claim.countedPages.has(event.pageHash)) pages.add(event.pageHash);
  return [...pages];
}

/** Takes back what a claim added, so the redelivered events are counted next time. */
async function releaseGroup(
  deps: AggregatorDependencies,
  claimed: { group: SessionGroup; claim: ClaimOutcome & { visitorChecked: boolean }; visitorToken?: string; fresh: readonly CountedEvent[] },
): Promise<void> {
  const { group, claim } = claimed;
  const visitor = withVisitor(group);
  try {
    await deps.store.releaseSession(group, {
      eventHashes: claimed.fresh.map((event) => event.eventHash),
      pageHashes: newPages(group, claim),
      forgetSession: claim.newSession,
      forgetVisitor: visitor !== undefined && !claim.visitorChecked,
    });
    if (visitor !== undefined && claimed.visitorToken !== undefined && claim.newVisitor === true) await deps.store.releaseVisitor(visitor, claimed.visitorToken);
  } catch (error) {
    // The events stay marked as counted but were not: the aggregates stay short by them.
    deps.log('error', 'aggregate marker release failed; these events will not be counted', {
      metric: 'AggregateReleaseFailed',
      site: group.site,
      day: group.day,
      events: claimed.fresh.length,
      error: error instanceof Error ? error.message : String(error),
    });
  }
}

function mergeHits(claimed: readonly Claimed[]): Map<string, number> {
  const hits = new Map<string, number>();
  for (const entry of claimed) for (const [url, by] of entry.hits) hits.set(url, (hits.get(url) ?? 0) + by);
  return hits;
}

/**
 * One (site, day) share of the batch: claim every session group, then the hit counters and one
 * counter write, or take the claims back. Hits go first: if they fail nothing was counted and the
 * claims are released; if the day counters fail after them, the claims are kept (a redelivery must
 * not count the hits twice) and the loss is logged with its metric.
 */
async function aggregateDay(site: string, day: string, groups: readonly SessionGroup[], deps: AggregatorDependencies, now: Date, failures: Map<string, unknown>): Promise<void> {
  const settled = await Promise.allSettled(groups.map((group) => claimGroup(group, deps, now)));
  const claimed: Claimed[] = [];
  settled.forEach((outcome, index) => {
    if (outcome.status === 'fulfilled') claimed.push(outcome.value);
    else for (const event of groups[index]!.events) failures.set(event.eventId, outcome.reason);
  });
  const increments = deps.dayCounters === false ? new Map() : mergeIncrements(claimed.map((entry) => entry.increments));
  const hits = mergeHits(claimed);
  if (increments.size === 0 && hits.size === 0) return;
  try {
    if (hits.size > 0) await deps.store.addHits(hits);
  } catch (error) {
    await Promise.all(claimed.map((entry) => releaseGroup(deps, entry)));
    for (const entry of claimed) for (const event of entry.group.events) failures.set(event.eventId, error);
    return;
  }
  if (increments.size === 0) return;
  const latestAt = claimed.flatMap((entry) => entry.fresh.map((event) => event.at)).reduce((latest, at) => (at > latest ? at : latest), '');
  try {
    await deps.store.addDayCounters(site, day, increments, latestAt);
  } catch (error) {
    if (hits.size > 0) {
      deps.log('error', 'day counters not written after the hit counters; these events stay out of the dashboard', {
        metric: 'AggregateLost',
        site,
        day,
        events: claimed.reduce((sum, entry) => sum + entry.fresh.length, 0),
        error: error instanceof Error ? error.message : String(error),
      });
      return;
    }
    await Promise.all(claimed.map((entry) => releaseGroup(deps, entry)));
    for (const entry of claimed) for (const event of entry.group.events) failures.set(event.eventId, error);
  }
}

/**
 * Folds a batch of queued events into the day aggregates (docs/data-model.md, "Aggregates"):
 * per (site, day), one marker write per session group (idempotency on the event id and the
 * unique-session and unique-visitor tests) and one counter write for all of them. Returns the
 * events whose aggregation failed, with the error: the forwarder fails those records so the
 * queue redelivers them, and the markers make sure nothing is counted twice.
 * @example const failures = await aggregateBatch(events, { store, log })
 */
export async function aggregateBatch(events: readonly ForwardEvent[], deps: AggregatorDependencies): Promise<Map<string, unknown>> {
  const now = (deps.now ?? (() => new Date()))();
  // With the day counters off only hits are counted: events that count none need no marker at all.
  const plan = planAggregation(deps.dayCounters === false ? events.filter((event) => event.hit !== undefined) : events);
  const uncounted = new Set(plan.skipped.map((skip) => skip.eventId));
  const lostHits = events.filter((event) => event.hit !== undefined && uncounted.has(event.eventId)).length;
  // Only events without a site or session land here: the request paths always store both.
  if (lostHits > 0) deps.log('warn', 'hits of events outside the aggregation not counted', { metric: 'HitNotCounted', count: lostHits });
  const byDay = new Map<string, SessionGroup[]>();
  for (const group of plan.groups) {
    const key = `${group.site}\n${group.day}`;
    byDay.set(key, [...(byDay.get(key) ?? []), group]);
  }
  const failures = new Map<string, unknown>();
  await Promise.all(
    [...byDay.values()].map(async (groups) => {
      const { site, day } = groups[0]!;
      try {
        if (deps.dayCounters !== false) await deps.store.touchSite(site, day);
      } catch (error) {
        // Only the dashboard's site list depends on it; the next batch tries again.
        deps.log('warn', 'aggregate site listing failed', { site, error: error instanceof Error ? error.message : String(error) });
      }
      for (const chunk of chunks(groups)) await aggregateDay(site, day, chunk, deps, now, failures);
    }),
  );
  return failures;
}
