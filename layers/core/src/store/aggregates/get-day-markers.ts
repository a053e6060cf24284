import { BatchGetCommand } from '@aws-sdk/lib-dynamodb';
import type { TableContext } from '../client';
import { keys, type TableKey } from '../keys';
import type { SessionDayMarker } from './claim-session-day';

const strings = (value: unknown): ReadonlySet<string> => (value instanceof Set ? (value as Set<string>) : new Set());

/** One marker's identity in the maps getDayMarkers answers (a visitor's day markers share a partition). @example markerId(keys.visitorDayMarker(site, day, visitorHash)) */
export const markerId = (key: TableKey): string => `${key.pk}\n${key.sk}`;

/**
 * Reads (site, day, session) and (site, day, visitor) markers as a claim would find them, without
 * writing: the local journaled consumer decides first, journals, then writes. BatchGetItem, strongly
 * consistent, in pages of 100 keys; no write units.
 * @example const { sessions, visitors } = await getDayMarkers(table, { sessions: [{ site, day, sessionHash }], visitors: [] })
 */
export async function getDayMarkers(
  table: TableContext,
  wanted: {
    readonly sessions: readonly { site: string; day: string; sessionHash: string }[];
    readonly visitors: readonly { site: string; day: string; visitorHash: string }[];
  },
): Promise<{ sessions: Map<string, SessionDayMarker>; visitors: Set<string>; deviceVisitors: Set<string> }> {
  // All are keyed by markerId(); deviceVisitors are the visitor markers with `dv` (claimVisitorDay).
  const sessionKeys = wanted.sessions.map((claim) => keys.sessionDayMarker(claim.site, claim.day, claim.sessionHash));
  const visitorKeys = wanted.visitors.map((claim) => keys.visitorDayMarker(claim.site, claim.day, claim.visitorHash));
  const found = new Map<string, Record<string, unknown>>();
  let pending = [...sessionKeys, ...visitorKeys];
  while (pending.length > 0) {
    const page = pending.slice(0, 100);
    pending = pending.slice(100);
    const result = await table.client.send(new BatchGetCommand({ RequestItems: { [table.tableName]: { Keys: page, ConsistentRead: true } } }));
    for (const item of result.Responses?.[table.tableName] ?? []) found.set(markerId({ pk: String(item.pk), sk: String(item.sk) }), item);
    const unprocessed = result.UnprocessedKeys?.[table.tableName]?.Keys;
    if (unprocessed !== undefined && unprocessed.length > 0) pending.push(...(unprocessed as typeof page));
  }
  const sessions = new Map<string, SessionDayMarker>();
  for (const key of sessionKeys) {
    const old = found.get(markerId(key));
    sessions.set(markerId(key), {
      newSession: old?.seen === undefined,
      countedEvents: strings(old?.ev),
      countedPages: strings(old?.pg),
      visitorChecked: old?.vid !== undefined,
      lastMinute: typeof old?.lm === 'string' ? old.lm : undefined,
    });
  }
  return {
    sessions,
    visitors: new Set(visitorKeys.filter((key) => found.get(markerId(key))?.seen !== undefined).map(markerId)),
    deviceVisitors: new Set(visitorKeys.filter((key) => found.get(markerId(key))?.dv === true).map(markerId)),
  };
}
