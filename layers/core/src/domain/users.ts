import type { DeviceKind, DeviceSighting } from './devices';

export type LinkOutcome = 'linked' | 'already-linked';

/** One page of a listing; `last` is where the next page starts (absent on the last page). */
export interface Page<T> {
  readonly items: T[];
  readonly last?: string;
}

export interface UserSessionInfo {
  readonly sessionId: string;
  readonly createdAt?: string;
  readonly linkedAt?: string;
  readonly firstTouch?: Readonly<Record<string, string>>;
  readonly country?: string;
  readonly userAgent?: string;
}

export interface UserDeviceInfo {
  readonly kind: DeviceKind;
  readonly id: string;
  readonly firstSeen?: string;
  readonly lastSeen?: string;
  readonly userAgent?: string;
  readonly country?: string;
  readonly version?: number;
}

/**
 * The storage port of the users and privacy operations; `store/dynamo-user-store.ts` implements it,
 * one access-pattern file per method (docs/data-model.md).
 */
export interface UserStore {
  /** Throws ConflictError when the session is another user's and `force` is not set. */
  linkSession(input: { userId: string; sessionId: string; force?: boolean; now: Date }): Promise<LinkOutcome>;
  /** Updates the user's device items from one session's stored records; returns the device count. */
  indexSessionDevices(userId: string, sessionId: string): Promise<number>;
  touchDevices(userId: string, sightings: readonly DeviceSighting[]): Promise<void>;
  listSessions(userId: string, page: { limit: number; after?: string }): Promise<Page<UserSessionInfo>>;
  listDevices(userId: string, page: { limit: number; after?: string }): Promise<Page<UserDeviceInfo>>;
  eraseUser(userId: string): Promise<Record<string, number>>;
  eraseSession(sessionId: string): Promise<Record<string, number>>;
}
