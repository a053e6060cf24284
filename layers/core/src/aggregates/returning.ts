import type { ClaimOutcome, SessionGroup } from './fold';

/** A device marker lives this long after the last new cookie it was seen with: the look-back of "seen in an earlier session". */
export const DEVICE_RETENTION_DAYS = 90;

/** The part of the aggregation's store returning-device recognition uses (optional: stores without it skip recognition). */
export interface DeviceMarkerStore {
  /** True when the device key was seen before with another session (store/aggregates/claim-device.ts). */
  claimDevice?(site: string, deviceHash: string, sessionHash: string, now: Date): Promise<boolean>;
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
 * devices"). When the visitor marker of the day already existed, another session showed this
 * visitorId today: recognised with no write. Otherwise one conditional marker write per new cookie
 * (claimDevice). A failed write recognises nothing (an under-count, logged): it never fails the batch.
 * @example claim = await recogniseDevice(group, claim, { store, log }, now)
 */
export async function recogniseDevice<C extends ClaimOutcome>(
  group: SessionGroup,
  claim: C,
  deps: { readonly store: DeviceMarkerStore; readonly log: (level: 'warn', message: string, details: Record<string, unknown>) => void },
  now: Date,
): Promise<C> {
  if (!needsDeviceCheck(group, claim) || deps.store.claimDevice === undefined) return claim;
  const device = group.device!;
  if (device.kind === 'visitorId' && claim.newVisitor === false) return { ...claim, recognisedBy: 'visitorId' };
  try {
    const seen = await deps.store.claimDevice(group.site, device.hash, group.sessionHash, now);
    return seen ? { ...claim, recognisedBy: device.kind } : claim;
  } catch (error) {
    deps.log('warn', 'device marker failed; this session is not checked for a returning device', {
      metric: 'AggregateDeviceFailed',
      site: group.site,
      error: error instanceof Error ? error.message : String(error),
    });
    return claim;
  }
}
