import type { VisitRecord } from './records';

/** `browser`: a FingerprintJS visitorId; `request`: a request-fingerprint id. */
export type DeviceKind = 'browser' | 'request';

/** One device seen in a user's sessions, as the per-user device item keeps it. */
export interface DeviceSighting {
  readonly kind: DeviceKind;
  readonly id: string;
  /** ISO times. */
  readonly firstSeen: string;
  readonly lastSeen: string;
  readonly userAgent?: string;
  readonly country?: string;
  /** The request-fingerprint algorithm version (`fpv`), for `request` devices. */
  readonly version?: number;
}

/**
 * The devices a stored record shows: its request fingerprint and, for a browser report, its
 * visitorId. Anonymous (GPC) records carry neither and show none.
 * @example deviceSightings(record) // [{ kind: 'request', id: 'b3Jx…', … }, { kind: 'browser', id: 'x8Yq…', … }]
 */
export function deviceSightings(record: VisitRecord): DeviceSighting[] {
  const at = record.at.toISOString();
  const common = { firstSeen: at, lastSeen: at, userAgent: record.signals?.headers['user-agent'], country: record.signals?.country };
  const sightings: DeviceSighting[] = [];
  if (record.fingerprint !== undefined) sightings.push({ kind: 'request', id: record.fingerprint.id, version: record.fingerprint.version, ...common });
  if (record.kind === 'event' && record.visitorId !== undefined) sightings.push({ kind: 'browser', id: record.visitorId, ...common });
  return sightings;
}
