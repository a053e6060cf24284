import { createHash } from 'node:crypto';
import { ProviderRelayError, type HttpPost } from '../event';

/** Default per-request timeout of every adapter. */
export const DEFAULT_TIMEOUT_MS = 5000;
/** Retry-After values above this are clamped: a provider asking for hours is better handled by the DLQ. */
const MAX_RETRY_AFTER_SECONDS = 3600;

/** Called once per event an adapter dropped before sending (invalid for the protocol), for metrics. */
export type DropHook = (reason: string, eventId: string) => void;

/**
 * Some events of a multi-request send() were delivered and some were not. Only
 * `undeliveredEventIds` need a retry; re-sending the others would duplicate them at the provider.
 * Events dropped locally as invalid count as done (a retry cannot fix them).
 */
export class PartialRelayError extends ProviderRelayError {
  readonly undeliveredEventIds: readonly string[];
  constructor(first: ProviderRelayError, undeliveredEventIds: readonly string[]) {
    super(first.provider, first.message.slice(first.provider.length + 2), {
      retryable: first.retryable,
      retryAfterSeconds: first.retryAfterSeconds,
      cause: first,
    });
    this.name = 'PartialRelayError';
    this.undeliveredEventIds = undeliveredEventIds;
  }
}

/**
 * Seconds from a `Retry-After` header (delta-seconds or HTTP-date), clamped to 0..3600.
 * @example parseRetryAfter('120', Date.now()) // 120
 */
export function parseRetryAfter(value: string | null, nowMs: number): number | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (/^\d{1,10}$/.test(trimmed)) return Math.min(Number(trimmed), MAX_RETRY_AFTER_SECONDS);
  // HTTP-dates start with a day name; Date.parse alone accepts things like '-1'.
  if (!/^[A-Za-z]{3}/.test(trimmed)) return undefined;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.min(Math.max(0, Math.ceil((date - nowMs) / 1000)), MAX_RETRY_AFTER_SECONDS);
}

function isTimeout(error: unknown): boolean {
  const name = (error as { name?: unknown } | null)?.name;
  return name === 'TimeoutError' || name === 'AbortError';
}

function networkCode(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown } } | null)?.cause;
  const code = typeof cause?.code === 'string' ? cause.code : (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[A-Z_]{1,40}$/.test(code) ? code : 'network error';
}

/**
 * POSTs and maps the outcome: 2xx returns the body; 408, 429 and 5xx, network failures and
 * timeouts throw a retryable ProviderRelayError (with Retry-After when given); 3xx and other 4xx
 * throw a non-retryable one. Messages never contain the URL or headers, which carry secrets.
 */
export async function relayPost(
  provider: string,
  post: HttpPost,
  url: string,
  init: { headers: Record<string, string>; body: string; timeoutMs: number },
  nowMs: () => number = Date.now,
): Promise<{ status: number; body: string }> {
  let response: Awaited<ReturnType<HttpPost>>;
  try {
    response = await post(url, init);
  } catch (error) {
    const message = isTimeout(error) ? `timed out after ${init.timeoutMs} ms` : `request failed (${networkCode(error)})`;
    throw new ProviderRelayError(provider, message, { retryable: true, cause: error });
  }
  let body = '';
  try {
    // Always read the body so the connection goes back to the pool.
    body = await response.text();
  } catch (error) {
    if (response.status >= 200 && response.status < 300 && isTimeout(error)) {
      throw new ProviderRelayError(provider, `timed out reading the response after ${init.timeoutMs} ms`, { retryable: true, cause: error });
    }
  }
  const status = response.status;
  if (status >= 200 && status < 300) return { status, body };
  const retryAfterSeconds = parseRetryAfter(response.headers.get('retry-after'), nowMs());
  if (status === 429 || status === 408 || status >= 500) {
    throw new ProviderRelayError(provider, `HTTP ${status}`, { retryable: true, retryAfterSeconds });
  }
  const why = status >= 300 && status < 400 ? 'unexpected redirect' : 'rejected';
  throw new ProviderRelayError(provider, `HTTP ${status} (${why})`, { retryable: false });
}

/**
 * Runs `sendOne` over the groups in order, stopping at the first failure. When more than one
 * request was needed and one failed, throws a PartialRelayError naming the events still to send.
 */
export async function relayGroups<T extends { eventIds: readonly string[] }>(
  groups: readonly T[],
  sendOne: (group: T) => Promise<void>,
  concurrency = 1,
): Promise<void> {
  let next = 0;
  let failure: ProviderRelayError | undefined;
  const undelivered = new Set<string>();
  const worker = async (): Promise<void> => {
    while (next < groups.length && failure === undefined) {
      const group = groups[next] as T;
      next += 1;
      try {
        await sendOne(group);
      } catch (error) {
        for (const id of group.eventIds) undelivered.add(id);
        failure ??= error instanceof ProviderRelayError ? error : new ProviderRelayError('unknown', String(error), { retryable: true, cause: error });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, groups.length)) }, worker));
  if (failure === undefined) return;
  for (const group of groups.slice(next)) for (const id of group.eventIds) undelivered.add(id);
  if (groups.length === 1) throw failure;
  throw new PartialRelayError(failure, [...undelivered]);
}

/** Replaces lone UTF-16 surrogates (which break encodeURIComponent and some JSON parsers) with U+FFFD. */
export function wellFormed(value: string): string {
  return value.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}

/** At most `max` UTF-16 units, well formed, never splitting a surrogate pair. */
export function truncate(value: string, max: number): string {
  const clean = wellFormed(value);
  if (clean.length <= max) return clean;
  let cut = clean.slice(0, max);
  const last = cut.charCodeAt(cut.length - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut = cut.slice(0, -1);
  return cut;
}

/** Header values must be visible ASCII; anything else would make fetch throw. */
export function headerValue(value: string | undefined, max = 512): string | undefined {
  if (value === undefined) return undefined;
  const clean = value.replace(/[^\x20-\x7e]/g, '').trim().slice(0, max);
  return clean.length > 0 ? clean : undefined;
}

/** The event id as sent in trace headers (`x-edgeprint-event-id(s)`): ids are UUIDs; anything else becomes `invalid`. */
export function traceId(eventId: string): string {
  return /^[A-Za-z0-9_.:-]{1,64}$/.test(eventId) ? eventId : 'invalid';
}

/** A salted SHA-256 digest: ids sent to third parties are derived, never our raw visitor or session ids. */
export function digest(salt: string, value: string): Buffer {
  return createHash('sha256').update(salt).update('\u0000').update(value).digest();
}

/** The value when it is an absolute http(s) URL, else undefined: providers reject anything else. */
export function httpUrl(value: string | undefined): string | undefined {
  if (value === undefined || value.length === 0) return undefined;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? value : undefined;
  } catch {
    return undefined;
  }
}

/** Epoch milliseconds of an ISO time, or undefined. */
export function epochMs(iso: string | undefined): number | undefined {
  if (iso === undefined) return undefined;
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? ms : undefined;
}

/** Splits a list into consecutive chunks of at most `size`. */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}
