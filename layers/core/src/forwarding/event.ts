/**
 * The message put on the event queue for every recorded event, and what provider adapters
 * receive. Versioned (`v`) so consumers can tell old messages from new ones during a deploy.
 * It carries no raw fingerprint components: the visitorId and request fingerprint are hashes.
 */
export interface ForwardEvent {
  readonly v: 1;
  /** UUID assigned at ingest; the idempotency key everywhere downstream. */
  readonly eventId: string;
  /** `pageview` and `event` come from the snippet, `request` from a fingerprinted request, `activity` from the activity log. */
  readonly kind: 'pageview' | 'event' | 'request' | 'activity';
  /** Event name: `pageview`, a custom name, `request` or `activity`. */
  readonly name: string;
  /** ISO-8601 time the event was recorded. */
  readonly at: string;
  /** Absolute page URL (for `activity`: the site path joined to nothing, see `path`). */
  readonly url?: string;
  /** Activity log path (djaffar), when kind is `activity`. */
  readonly path?: string;
  readonly referrer?: string;
  readonly title?: string;
  readonly props?: Readonly<Record<string, string | number | boolean>>;
  readonly sessionId?: string;
  /** When the session started (ISO), for providers with session reports (GA4 `session_id`). */
  readonly sessionStartedAt?: string;
  readonly visitorId?: string;
  /** The record's request fingerprint id (`fp`), when one was stored (never for anonymous visits). */
  readonly requestFingerprint?: string;
  readonly userId?: string;
  readonly userAgent?: string;
  /** The IP as stored under the privacy mode (absent in mode `none`). */
  readonly ip?: string;
  /** The Accept-Language header's first language, e.g. `en-US`. */
  readonly language?: string;
  readonly country?: string;
  /** The visitor sent `Sec-GPC: 1`. */
  readonly gpc: boolean;
  /** The visitor sent `DNT: 1`. */
  readonly dnt: boolean;
  /** HTTP status of the page response when known (edge recording); absent for browser reports. */
  readonly status?: number;
  /**
   * The URL whose unique-session hit this event counts (its session's first view of it), as the
   * request path decided; the queue consumer adds it to the hit counter once. First-party only.
   */
  readonly hit?: string;
}

/** Whether a failed delivery may succeed later (5xx, 429, network) or never will (4xx, invalid event). */
export class ProviderRelayError extends Error {
  readonly provider: string;
  readonly retryable: boolean;
  readonly retryAfterSeconds?: number;
  constructor(provider: string, message: string, options: { retryable: boolean; retryAfterSeconds?: number; cause?: unknown }) {
    super(`${provider}: ${message}`, { cause: options.cause });
    this.name = 'ProviderRelayError';
    this.provider = provider;
    this.retryable = options.retryable;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

/** One analytics destination. Adapters are small, one file each, and know only their own protocol. */
export interface Provider {
  /** Stable name, used in idempotency keys and metrics: `ga4`, `matomo`, `plausible`, `webhook`. */
  readonly name: string;
  /**
   * Sends events (already filtered by the privacy rules) in as few HTTP requests as the protocol
   * allows. Throws ProviderRelayError when the whole call failed.
   */
  send(events: readonly ForwardEvent[]): Promise<void>;
}

/** The HTTP client adapters use; injected so tests and the fault test can point at a loopback stub. */
export type HttpPost = (url: string, init: { headers: Record<string, string>; body: string; timeoutMs: number }) => Promise<{ status: number; headers: Headers; text(): Promise<string> }>;
