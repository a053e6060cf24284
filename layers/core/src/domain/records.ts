import type { FirstTouch } from './attribution';
import type { DeviceSighting } from './devices';
import type { RequestFingerprint } from './fingerprint';
import type { RequestSignals } from './request-signals';

/** What every stored record of a session shares. */
interface RecordBase {
  /** UUID assigned at ingest; makes every create idempotent. */
  readonly eventId: string;
  readonly sessionId: string;
  readonly at: Date;
  /** The absolute URL the record is about. */
  readonly url: string;
  /** Signals as stored: IP already reduced per the privacy mode; undefined when GPC asked for anonymity. */
  readonly signals?: RequestSignals;
  readonly fingerprint?: RequestFingerprint;
  readonly gpc: boolean;
  /** The visitor sent `DNT: 1` (kept so the forwarder, which reads the stored item, can honour it). */
  readonly dnt?: boolean;
  /** HTTP status of the page response, when the recording path knows it (edge real-time logs). */
  readonly status?: number;
  /**
   * Set by `recordVisit()` on the record it stores: the URL whose unique-session hit this record
   * counts (its session's first view of it). The queue consumer counts it from the stored item.
   */
  readonly hit?: string;
  /** Set by `recordVisit()`: when the record's session started, if it existed before this record. */
  readonly sessionStartedAt?: string;
  /** Set by `recordVisit()`: the user the session was linked to when the record was stored. */
  readonly userId?: string;
}

/** A fingerprinted request: the redirect page, the edge, or the `fingerprint()` middleware. */
export interface RequestRecord extends RecordBase {
  readonly kind: 'request';
}

/** A browser report from the snippet: a pageview or custom event, with the FingerprintJS visitorId when consented. */
export interface PageEventRecord extends RecordBase {
  readonly kind: 'event';
  readonly event: string;
  readonly visitorId?: string;
  readonly confidence?: number;
  readonly referrer?: string;
  readonly title?: string;
  readonly props?: Readonly<Record<string, string | number | boolean>>;
}

export type VisitRecord = RequestRecord | PageEventRecord;

/** One row of the activity log (djaffar's model). */
export interface ActivityRecord {
  readonly eventId: string;
  readonly at: Date;
  /** The client-supplied date of the activity. */
  readonly date: string;
  readonly path: string;
  readonly referer?: string;
  readonly sessionId?: string;
  readonly userId?: string;
  readonly ip?: string;
  readonly userAgent?: string;
  /** The Accept-Language header's first language (forwarded with the row). */
  readonly language?: string;
  readonly gpc?: boolean;
  readonly dnt?: boolean;
}

export interface SessionInfo {
  readonly sessionId: string;
  readonly userId?: string;
  /** ISO time the session item was created. */
  readonly createdAt?: string;
}

/** Which kind of record a view gate debounces; each kind has its own window on the shared (session, url) marker. */
export type ViewKind = 'request' | 'page';

export interface ViewGateInput {
  readonly sessionId: string;
  readonly url: string;
  readonly kind: ViewKind;
  readonly now: Date;
  readonly debounceSeconds: number;
  /** Written into the marker so a failed request can reopen exactly its own gate. */
  readonly token: string;
}

export interface ViewGateResult {
  /** False when the same session saw the same url (same kind) inside the debounce window. */
  readonly passed: boolean;
  /** True when this is the session's first view of the url: the moment to count a hit. */
  readonly firstView: boolean;
  readonly previousAt?: string;
}

/**
 * The storage port the domain depends on. `store/dynamo-event-store.ts` implements it on DynamoDB;
 * each method is one access pattern in `docs/data-model.md`.
 */
export interface EventStore {
  getSession(sessionId: string): Promise<SessionInfo | undefined>;
  passViewGate(input: ViewGateInput): Promise<ViewGateResult>;
  reopenViewGate(input: ViewGateInput, result: ViewGateResult): Promise<void>;
  /** Creates the session item holding attribution and its first record; false when it already exists. */
  createSession(record: VisitRecord, touch: FirstTouch): Promise<boolean>;
  putRecord(record: VisitRecord): Promise<void>;
  getHitCounts(urls: readonly string[]): Promise<Map<string, number>>;
  putActivity(activity: ActivityRecord): Promise<void>;
  /** Keeps a linked user's device items current (optional: stores without users skip it). */
  touchDevices?(userId: string, sightings: readonly DeviceSighting[]): Promise<void>;
}
