import type { ClaimOutcome, SessionGroup } from './fold';

/**
 * The look-back of "seen in an earlier session": a visitor's day markers live this long after their
 * day, and a request fingerprint's device marker this long after the last new cookie it was seen with.
 */
export const DEVICE_RETENTION_DAYS = 90;

/** The part of the aggregation's store returning-device recognition uses (optional: stores without it skip recognition). */
export interface DeviceMarkerStore {
  /** True when the device key was seen before with another session (store/aggregates/claim-device.ts): request fingerprints. */
  claimDevice?(site: string, deviceHash: string, sessionHash: string, now: Date): Promise<boolean>;
  /**
   * True when the visitorId was counted on an earlier day within DEVICE_RETENTION_DAYS by a session
   * that may be used for returning devices: a read of the visitor's day markers
   * (store/aggregates/find-earlier-visitor-day.ts), no write.
   */
  visitorSeenBefore?(site: string, visitorHash: string, day: string): Promise<boolean>;
}

/**
 * Whether a claimed session group needs its device marker checked: only a new session (the first
 * batch of its day) with a new cookie (set that day), a device key, and no GPC. A session whose
 * cookie is older is returning by its cookie already; one without a key or with GPC is left out.
 * @example needsDeviceCheck(group, claim) // true for a new cookie with a visitorId
 */
export function needsDeviceCheck(group: SessionGroup, claim: ClaimOutcome): boolean {
  if (!claim.newSession || group.device === undefined) return false;
  return group.cookieDay === undefined || group.cookieDay >= group.day;
}

/**
 * Recognises a new cookie as a device seen in an earlier session (docs/data-model.md, "Returning
 * devices"). A visitorId costs no write: when the visitor marker of the day already had a device
 * session (no GPC), another session showed it today; otherwise one read of the visitor's earlier day markers
 * (visitorSeenBefore). A request fingerprint costs one marker write per new cookie (claimDevice).
 * A failed read or write recognises nothing (an under-count, logged): it never fails the batch.
 * @example claim = await recogniseDevice(group, claim, { store, log }, now)
 */
export async function recogniseDevice<C extends ClaimOutcome>(
  group: SessionGroup,
  claim: C,
  deps: { readonly store: DeviceMarkerStore; readonly log: (level: 'warn', message: string, details: Record<string, unknown>) => void },
  now: Date,
): Promise<C> {
  if (!needsDeviceCheck(group, claim)) return claim;
  const device = group.device!;
  // Another device session showed this visitorId today: recognised with no read (a GPC session's claim does not count).
  if (device.kind === 'visitorId' && claim.newVisitor === false && claim.visitorDeviceSeen === true) return { ...claim, recognisedBy: 'visitorId' };
  const { store } = deps;
  try {
    let seen = false;
    if (device.kind === 'visitorId') {
      // Only a group that claimed the visitor marker asks (newVisitor undefined: the store checks no visitors).
      if (claim.newVisitor === undefined || store.visitorSeenBefore === undefined) return claim;
      seen = await store.visitorSeenBefore(group.site, device.hash, group.day);
    } else {
      if (store.claimDevice === undefined) return claim;
      seen = await store.claimDevice(group.site, device.hash, group.sessionHash, now);
    }
    return seen ? { ...claim, recognisedBy: device.kind } : claim;
  } catch (error) {
    deps.log('warn', 'device check failed; this session is not checked for a returning device', {
      metric: 'AggregateDeviceFailed',
      site: group.site,
      error: error instanceof Error ? error.message : String(error),
    });
    return claim;
  }
}
