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
      readonly hitCounted: boolean;
      readonly hitCountFailed?: unknown;
      /** The stored session when one existed before this request (its start and linked user). */
      readonly session?: SessionInfo;
      /** Set when the linked user's device items could not be updated (the record is stored). */
      readonly deviceIndexFailed?: unknown;
    }
  | { readonly recorded: false; readonly reason: 'debounced' };

/**
 * Records one visit: debounce gate, then the record (as the session item when the session is new),
 * then the unique-session hit counter.
 *
 * Write units: a repeat inside the window costs 1 (the failed conditional gate); a first view costs
 * 3 (gate, record or session, counter); a later view outside the window costs 2. No transactions.
 * Order matters for retries: the counter is bumped only after the gate said "first view" and the
 * record is stored, so a retried request can never count twice. If the record cannot be stored the
 * gate is reopened and the caller gets a retryable error. The one window where a count can be lost is
 * a crash between the record and the counter: see docs/data-model.md.
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
      await storeRecord(store, input, session);
    } catch (error) {
      await store.reopenViewGate(gateInput, gate).catch(() => undefined);
      throw new ServiceUnavailableError('Could not store the record', error);
    }
  } else {
    try {
      session = await sessionLookup;
      await storeRecord(store, input, session);
    } catch (error) {
      throw new ServiceUnavailableError('Could not store the record', error);
    }
  }
  const deviceIndexFailed = await touchLinkedDevices(store, record, session);
  const devices = deviceIndexFailed === undefined ? {} : { deviceIndexFailed };
  if (input.gate?.countHit === true && firstView) {
    try {
      await store.incrementHitCounter(input.gate.url);
    } catch (error) {
      return { recorded: true, hitCounted: false, hitCountFailed: error, session, ...devices };
    }
    return { recorded: true, hitCounted: true, session, ...devices };
  }
  return { recorded: true, hitCounted: false, session, ...devices };
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

async function storeRecord(store: EventStore, input: RecordVisitInput, session: { sessionId: string } | undefined): Promise<void> {
  if (session === undefined) {
    const created = await store.createSession(input.record, input.firstTouch);
    if (created) return;
  }
  await store.putRecord(input.record);
}
