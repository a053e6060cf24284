import { ServiceUnavailableError } from '../errors';
import type { FirstTouch } from './attribution';
import { deviceSightings } from './devices';
import type { EventStore, SessionInfo, ViewGateInput, ViewKind, VisitRecord } from './records';

export interface RecordVisitInput {
  readonly record: VisitRecord;
  /** Known without a read when the session id was minted for this request. */
  readonly sessionIsNew: boolean;
  readonly firstTouch: FirstTouch;
  readonly debounceSeconds: number;
  /** The (session, url) debounce gate; absent for records that are never debounced (custom events). */
  readonly gate?: { readonly url: string; readonly kind: ViewKind; readonly countHit: boolean };
}

export type RecordVisitOutcome =
  | {
      readonly recorded: true;
      /** The record was stored as the session's first view of the gate's url: the queue consumer counts its hit. */
      readonly hitCounted: boolean;
      /** The record as stored (with `hit`, `sessionStartedAt` and `userId` filled in). */
      readonly stored: VisitRecord;
      /** The stored session when one existed before this request (its start and linked user). */
      readonly session?: SessionInfo;
      /** Set when the linked user's device items could not be updated (the record is stored). */
      readonly deviceIndexFailed?: unknown;
    }
  | { readonly recorded: false; readonly reason: 'debounced' };

/**
 * Records one visit: debounce gate, then the record (as the session item when the session is new).
 * The stored item is the event: the table's change stream carries it to the queue, whose consumer
 * counts the unique-session hit the item's `hit` names, maintains the dashboard and forwards it. So
 * no crash can leave a stored record uncounted or unforwarded (docs/architecture.md).
 *
 * Write units: a repeat inside the window costs 1 (the failed conditional gate); a first view costs
 * 2 here plus 1 for the consumer's hit counter; a later view outside the window costs 2. No
 * transactions. If the record cannot be stored the gate is reopened and the caller gets a retryable
 * error, so the retry is recorded and counted.
 * @example await recordVisit(store, { record, sessionIsNew: true, firstTouch, debounceSeconds: 10, gate: { url, kind: 'page', countHit: true } })
 */
export async function recordVisit(store: EventStore, input: RecordVisitInput): Promise<RecordVisitOutcome> {
  const { record } = input;
  const sessionLookup = input.sessionIsNew ? Promise.resolve(undefined) : store.getSession(record.sessionId);
  // When the gate throws first, a failed lookup must not become an unhandled rejection (it ends a Lambda process).
  sessionLookup.catch(() => undefined);
  let gateInput: ViewGateInput | undefined;
  let firstView = false;
  let session: SessionInfo | undefined;
  let stored: VisitRecord = record;
  if (input.gate !== undefined) {
    gateInput = {
      sessionId: record.sessionId,
      url: input.gate.url,
      kind: input.gate.kind,
      now: record.at,
      debounceSeconds: input.debounceSeconds,
      token: record.eventId,
    };
    const gate = await store.passViewGate(gateInput);
    if (!gate.passed) {
      await sessionLookup.catch(() => undefined);
      return { recorded: false, reason: 'debounced' };
    }
    firstView = gate.firstView;
    try {
      session = await sessionLookup;
      stored = storedRecord(record, session, input.gate.countHit && firstView ? input.gate.url : undefined);
      await storeRecord(store, input, stored, session);
    } catch (error) {
      await store.reopenViewGate(gateInput, gate).catch(() => undefined);
      throw new ServiceUnavailableError('Could not store the record', error);
    }
  } else {
    try {
      session = await sessionLookup;
      stored = storedRecord(record, session, undefined);
      await storeRecord(store, input, stored, session);
    } catch (error) {
      throw new ServiceUnavailableError('Could not store the record', error);
    }
  }
  const deviceIndexFailed = await touchLinkedDevices(store, stored, session);
  const devices = deviceIndexFailed === undefined ? {} : { deviceIndexFailed };
  return { recorded: true, hitCounted: stored.hit !== undefined, stored, session, ...devices };
}

/** The record with what the consumer needs from the request's moment: the hit it counts, its session's start and user. */
function storedRecord(record: VisitRecord, session: SessionInfo | undefined, hit: string | undefined): VisitRecord {
  return {
    ...record,
    ...(hit === undefined ? {} : { hit }),
    ...(session?.createdAt === undefined ? {} : { sessionStartedAt: session.createdAt }),
    ...(session?.userId === undefined ? {} : { userId: session.userId }),
  };
}

/**
 * A record of a session linked to a user refreshes that user's device items (1 write unit per
 * device it shows), so the devices query stays one Query. A failure is returned, never thrown:
 * the record is stored and the device list catches up with the next record.
 */
async function touchLinkedDevices(store: EventStore, record: VisitRecord, session: SessionInfo | undefined): Promise<unknown> {
  if (session?.userId === undefined || store.touchDevices === undefined) return undefined;
  const sightings = deviceSightings(record);
  if (sightings.length === 0) return undefined;
  try {
    await store.touchDevices(session.userId, sightings);
    return undefined;
  } catch (error) {
    return error ?? new Error('device index failed');
  }
}

async function storeRecord(store: EventStore, input: RecordVisitInput, record: VisitRecord, session: { sessionId: string } | undefined): Promise<void> {
  if (session === undefined) {
    const created = await store.createSession(record, input.firstTouch);
    if (created) return;
  }
  await store.putRecord(record);
}
