import { createHash } from 'node:crypto';
import type { DeviceKind } from '../domain/devices';

/**
 * Every key of the single table is built here and nowhere else (see docs/data-model.md).
 * URLs are hashed because a partition key holds at most 2048 bytes and URLs may be that long.
 */
export function urlHash(url: string): string {
  return createHash('sha256').update(url).digest('base64url');
}

export interface TableKey {
  readonly pk: string;
  readonly sk: string;
}

const sessionPk = (sessionId: string) => `S#${sessionId}`;

export const keys = {
  session: (sessionId: string): TableKey => ({ pk: sessionPk(sessionId), sk: 'SESSION' }),
  requestRecord: (sessionId: string, at: string, eventId: string): TableKey => ({
    pk: sessionPk(sessionId),
    sk: `RFP#${at}#${eventId}`,
  }),
  eventRecord: (sessionId: string, at: string, eventId: string): TableKey => ({
    pk: sessionPk(sessionId),
    sk: `EV#${at}#${eventId}`,
  }),
  viewMarker: (sessionId: string, url: string): TableKey => ({ pk: sessionPk(sessionId), sk: `VIEW#${urlHash(url)}` }),
  hitCounter: (url: string): TableKey => ({ pk: `URL#${urlHash(url)}`, sk: 'HITS' }),
  activity: (sessionId: string | undefined, at: string, eventId: string): TableKey =>
    sessionId === undefined
      ? { pk: `ACT#${eventId}`, sk: `ACT#${at}#${eventId}` }
      : { pk: sessionPk(sessionId), sk: `ACT#${at}#${eventId}` },
  /** One per (user, browser visitorId or request fingerprint): the devices query reads only these. */
  userDevice: (userId: string, kind: DeviceKind, id: string): TableKey => ({ pk: userPartition(userId), sk: `${DEVICE_PREFIX}${kind}#${id}` }),
  /** The cookieless mode's random salt of one UTC day (`2026-11-22`). */
  salt: (day: string): TableKey => ({ pk: 'SALT', sk: day }),
  /** A site's counters of one UTC day (aggregates: one item per site and day, attributes per dimension value). */
  dayCounters: (site: string, day: string): TableKey => ({ pk: aggregatePartition(site), sk: `${DAY_PREFIX}${day}` }),
  /** A site's bot and GPC drop counters of one UTC day, beside its day counters. */
  dayDrops: (site: string, day: string): TableKey => ({ pk: aggregatePartition(site), sk: `${DAY_PREFIX}${day}#drops` }),
  /** The aggregation's (site, day, session) marker: which events and pages of the session were counted. Keyed by a hash. */
  sessionDayMarker: (site: string, day: string, sessionHash: string): TableKey => ({ pk: `AGS#${site}#${day}#${sessionHash}`, sk: 'SESSION' }),
  /**
   * The aggregation's (site, visitor, day) marker: the visitor was counted that day. A visitor's days
   * share one partition, so "seen on an earlier day" is one Query, not a write (docs/data-model.md, "Returning devices"). Keyed by a hash.
   */
  visitorDayMarker: (site: string, day: string, visitorHash: string): TableKey => ({ pk: visitorDaysPartition(site, visitorHash), sk: `${DAY_PREFIX}${day}` }),
  /** The aggregation's (site, device) marker: the first session a browser visitorId or request fingerprint was seen with. Keyed by a hash. */
  deviceMarker: (site: string, deviceHash: string): TableKey => ({ pk: `AGD#${site}#${deviceHash}`, sk: 'DEVICE' }),
  /** A site's visitors of one UTC minute (`2026-11-22T10:07`), for the realtime count: a set of short hashes. */
  realtimeMinute: (site: string, minute: string): TableKey => ({ pk: realtimePartition(site), sk: `M#${minute}` }),
  /** One per site with aggregates, for the dashboard's site list. */
  aggregateSite: (site: string): TableKey => ({ pk: AGGREGATE_SITES, sk: site }),
} as const;

/** The partition of a site's aggregate items (day counters and drop counters). */
export function aggregatePartition(site: string): string {
  return `AGG#${site}`;
}

export const DAY_PREFIX = 'D#';

/** The partition of one visitor's day markers on a site (`visitorHash` a hash of the site and visitorId). @example visitorDaysPartition('shop.example', 'h') // 'AGV#shop.example#h' */
export function visitorDaysPartition(site: string, visitorHash: string): string {
  return `AGV#${site}#${visitorHash}`;
}

/** The partition of a site's realtime minute items. */
export function realtimePartition(site: string): string {
  return `RT#${site}`;
}
export const AGGREGATE_SITES = 'AGGSITES';

/** The partition of a session's items (session, records, markers, activity). */
export function sessionPartition(sessionId: string): string {
  return sessionPk(sessionId);
}

/** The partition of a user's own items (device items). */
export function userPartition(userId: string): string {
  return `USER#${userId}`;
}

export const DEVICE_PREFIX = 'DEV#';

export type { DeviceKind };

/**
 * The gsi1 keys that make an item findable by user: a linked session (`S#<sessionId>`) or an
 * activity row carrying a user (`ACT#<time>#<eventId>`).
 */
export const userIndex = {
  session: (userId: string, sessionId: string) => ({ gsi1pk: userPartition(userId), gsi1sk: `S#${sessionId}` }),
  activity: (userId: string, at: string, eventId: string) => ({ gsi1pk: userPartition(userId), gsi1sk: `ACT#${at}#${eventId}` }),
} as const;

/** Item `type` attribute values, for exports and readers of the raw table. */
export const ItemType = {
  session: 'session',
  requestFingerprint: 'request_fingerprint',
  browserEvent: 'browser_event',
  viewMarker: 'view_marker',
  hitCounter: 'hit_counter',
  activity: 'activity',
  device: 'device',
  salt: 'salt',
  dayCounters: 'day_counters',
  dayDrops: 'day_drops',
  sessionDayMarker: 'session_day_marker',
  visitorDayMarker: 'visitor_day_marker',
  aggregateSite: 'aggregate_site',
  deviceMarker: 'device_marker',
  realtimeMinute: 'realtime_minute',
} as const;

/** Epoch seconds for the table's TTL attribute (`expiresAt`). */
export function expiresAt(at: Date, retentionDays: number): number {
  return Math.floor(at.getTime() / 1000) + retentionDays * 86400;
}
