import { add, REALTIME_PREFIX, type Increments } from './counters';
import type { ClaimOutcome, SessionGroup } from './fold';

/** The realtime count covers this many minutes, the current one included. */
export const REALTIME_MINUTES = 5;
/**
 * A day item keeps its minute counters this long after the latest one written: older ones are
 * removed by the same counter write (store/aggregates/add-day-counters.ts), so they never pile up.
 */
export const REALTIME_KEEP_MINUTES = 15;

/** `YYYY-MM-DDTHH:MM` of a time, UTC. @example minuteOf(new Date('2026-11-22T10:07:31Z')) // '2026-11-22T10:07' */
export function minuteOf(at: Date | string): string {
  return new Date(typeof at === 'string' ? Date.parse(at) : at.getTime()).toISOString().slice(0, 16);
}

/** `HHMM` of a `YYYY-MM-DDTHH:MM` minute: the day item's minute counter suffix. */
const hhmm = (minute: string): string => minute.slice(11, 13) + minute.slice(14, 16);

/**
 * The UTC minute (`HHMM`) of a group's latest event: what the session marker keeps as the session's
 * last active minute.
 * @example latestMinute(group) // '1007'
 */
export function latestMinute(group: Pick<SessionGroup, 'events'>): string | undefined {
  const latest = group.events.reduce((max, event) => (event.at > max ? event.at : max), '');
  return latest === '' ? undefined : hhmm(minuteOf(latest));
}

/**
 * The realtime count's increments of one claimed session group (docs/data-model.md, "Realtime"):
 * the day item keeps, per minute, how many sessions were last active in it (`t<HHMM>`). A session
 * whose latest event is in the last 5 minutes moves from the minute its marker remembered (−1
 * there, when that minute is itself recent) to its new one (+1). Visitors in the last 5 minutes are
 * then the sum of 5 counters: no scan, no extra write (the marker and the day item are written anyway).
 * @example realtimeIncrements(group, claim, now, increments)
 */
export function realtimeIncrements(group: SessionGroup, claim: Pick<ClaimOutcome, 'lastMinute'>, now: Date, increments: Increments): void {
  const latest = group.events.reduce((max, event) => (event.at > max ? event.at : max), '');
  if (latest === '') return;
  const minute = minuteOf(latest);
  const since = minuteOf(new Date(now.getTime() - (REALTIME_MINUTES - 1) * 60_000));
  if (minute < since || minute.slice(0, 10) !== group.day) return;
  const current = hhmm(minute);
  // Already counted in this minute, or a late batch of events older than the session's last ones.
  if (claim.lastMinute !== undefined && claim.lastMinute >= current) return;
  add(increments, REALTIME_PREFIX + current);
  const recent = hhmm(since > `${group.day}T00:00` ? since : `${group.day}T00:00`);
  if (claim.lastMinute !== undefined && claim.lastMinute >= recent) add(increments, REALTIME_PREFIX + claim.lastMinute, -1);
}

/**
 * The minutes of the realtime window ending at `now`, with the day item each lives on.
 * @example realtimeWindow(new Date('2026-11-22T10:07:31Z')) // [{ day: '2026-11-22', name: 't1003' }, … { day: '2026-11-22', name: 't1007' }]
 */
export function realtimeWindow(now: Date): { day: string; name: string }[] {
  return Array.from({ length: REALTIME_MINUTES }, (_, index) => {
    const minute = minuteOf(new Date(now.getTime() - (REALTIME_MINUTES - 1 - index) * 60_000));
    return { day: minute.slice(0, 10), name: REALTIME_PREFIX + hhmm(minute) };
  });
}

/**
 * The minute counters a day item may drop, given the latest one a write adds: those from
 * REALTIME_KEEP_MINUTES to REALTIME_MINUTES minutes before it (removing a counter that is not
 * there does nothing).
 * @example staleRealtimeCounters('t1007') // ['t0952', …, 't1002']
 */
export function staleRealtimeCounters(latest: string): string[] {
  const minutes = Number(latest.slice(1, 3)) * 60 + Number(latest.slice(3, 5));
  const names: string[] = [];
  for (let back = REALTIME_KEEP_MINUTES; back >= REALTIME_MINUTES; back -= 1) {
    const at = minutes - back;
    if (at >= 0) names.push(`${REALTIME_PREFIX}${String(Math.floor(at / 60)).padStart(2, '0')}${String(at % 60).padStart(2, '0')}`);
  }
  return names;
}
