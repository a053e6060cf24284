import type { SessionGroup } from './fold';

/** The realtime count covers this many minutes, the current one included. */
export const REALTIME_MINUTES = 5;

/** The part of the aggregation's store the realtime count uses (optional: stores without it skip it). */
export interface RealtimeStore {
  /** Adds visitor hashes to a site's minute item (store/aggregates/add-realtime-visitors.ts). */
  addRealtime?(site: string, minute: string, hashes: readonly string[]): Promise<void>;
}

/** `YYYY-MM-DDTHH:MM` of a time, UTC. @example minuteOf(new Date('2026-11-22T10:07:31Z')) // '2026-11-22T10:07' */
export function minuteOf(at: Date | string): string {
  return new Date(typeof at === 'string' ? Date.parse(at) : at.getTime()).toISOString().slice(0, 16);
}

/**
 * The realtime writes of a batch: per (site, minute) of the events recorded in the last 5 minutes,
 * the short hashes of their sessions. A session is one browser's cookie, so it stands for a visitor;
 * the visitorId is not used here because a session's first events (a redirect page, the edge) may
 * come without it and the same browser would then count twice. Older events (a
 * backlog, a redelivery) are not realtime and cost nothing. One write per (site, minute) in the batch.
 * @example realtimeWrites(plan.groups, now) // [{ site, minute, hashes }]
 */
export function realtimeWrites(groups: readonly SessionGroup[], now: Date): { site: string; minute: string; hashes: string[] }[] {
  const since = minuteOf(new Date(now.getTime() - (REALTIME_MINUTES - 1) * 60_000));
  const until = minuteOf(new Date(now.getTime() + 60_000));
  const writes = new Map<string, { site: string; minute: string; hashes: Set<string> }>();
  for (const group of groups) {
    const visitor = group.sessionHash.slice(0, 10);
    for (const event of group.events) {
      const minute = minuteOf(event.at);
      if (minute < since || minute > until) continue;
      const key = `${group.site}\n${minute}`;
      const write = writes.get(key) ?? { site: group.site, minute, hashes: new Set<string>() };
      write.hashes.add(visitor);
      writes.set(key, write);
    }
  }
  return [...writes.values()].map((write) => ({ site: write.site, minute: write.minute, hashes: [...write.hashes] }));
}

/**
 * Writes a batch's realtime minute items. Failures are logged, never thrown: the realtime count
 * is a hint, and failing the batch for it would redeliver events that were counted.
 * @example await recordRealtime(plan.groups, { store, log }, now)
 */
export async function recordRealtime(
  groups: readonly SessionGroup[],
  deps: { readonly store: RealtimeStore; readonly log: (level: 'warn', message: string, details: Record<string, unknown>) => void },
  now: Date,
): Promise<void> {
  const store = deps.store;
  if (store.addRealtime === undefined) return;
  await Promise.all(
    realtimeWrites(groups, now).map(async (write) => {
      try {
        await store.addRealtime!(write.site, write.minute, write.hashes);
      } catch (error) {
        deps.log('warn', 'realtime write failed', { metric: 'AggregateRealtimeFailed', site: write.site, error: error instanceof Error ? error.message : String(error) });
      }
    }),
  );
}
