/**
 * Generic webhook adapter: a signed JSON batch POST.
 *
 * Body: `{"v":1,"events":[ForwardEvent, …]}` (the events as queued, after the privacy filter).
 * Headers: `x-edgeprint-timestamp: <unix seconds>` and
 * `x-edgeprint-signature: v1=<hex HMAC-SHA256(secret, timestamp + "." + body)>`.
 * Receivers verify with verifyWebhookSignature() and reject stale timestamps, so a captured
 * request cannot be replayed later; within the tolerance, dedupe on `eventId`.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { HttpPost, Provider } from '../event';
import { chunk, DEFAULT_TIMEOUT_MS, relayGroups, relayPost } from './relay';

export interface WebhookOptions {
  readonly url: string;
  /** Shared HMAC key, at least 16 characters. Never logged. */
  readonly secret: string;
  /** Events per request. @default 100 */
  readonly maxBatchSize?: number;
  /** @default 5000 */
  readonly timeoutMs?: number;
  readonly now?: () => number;
}

export const WEBHOOK_TIMESTAMP_HEADER = 'x-edgeprint-timestamp';
export const WEBHOOK_SIGNATURE_HEADER = 'x-edgeprint-signature';
export const WEBHOOK_SIGNATURE_VERSION = 'v1';

/**
 * The hex HMAC-SHA256 of `timestamp + "." + body`.
 * @example signWebhook(secret, '1700000000', '{"v":1,"events":[]}')
 */
export function signWebhook(secret: string, timestamp: string, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

/**
 * For receivers: true when `header` holds a `v1=` signature of `timestamp.body` under `secret`
 * and the timestamp is within `toleranceSeconds` of `now` (unix seconds). Compares in constant
 * time; accepts several comma-separated signatures (useful while rotating secrets). Pass the raw
 * body exactly as received, before any JSON parsing.
 * @example
 * const ok = verifyWebhookSignature(secret, req.headers['x-edgeprint-timestamp'], rawBody,
 *   req.headers['x-edgeprint-signature'], Math.floor(Date.now() / 1000));
 * if (!ok) return res.status(401).end();
 */
export function verifyWebhookSignature(
  secret: string,
  timestamp: string | undefined,
  body: string,
  header: string | undefined,
  now: number,
  toleranceSeconds = 300,
): boolean {
  if (secret.length === 0 || timestamp === undefined || header === undefined) return false;
  if (!/^\d{1,12}$/.test(timestamp)) return false;
  if (Math.abs(now - Number(timestamp)) > toleranceSeconds) return false;
  const expected = Buffer.from(signWebhook(secret, timestamp, body), 'hex');
  let match = false;
  for (const part of header.split(',')) {
    const [version, value] = part.trim().split('=', 2);
    if (version !== WEBHOOK_SIGNATURE_VERSION || value === undefined || !/^[0-9a-f]{64}$/i.test(value)) continue;
    // No early return: every candidate is compared.
    if (timingSafeEqual(expected, Buffer.from(value, 'hex'))) match = true;
  }
  return match;
}

/**
 * Builds a Provider that POSTs signed batches to a receiver.
 * @example const hook = webhookProvider({ url: 'https://hooks.example.com/edgeprint', secret }, httpPost)
 */
export function webhookProvider(options: WebhookOptions, post: HttpPost): Provider {
  const name = 'webhook';
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const now = options.now ?? Date.now;
  const size = Math.max(1, Math.floor(options.maxBatchSize ?? 100));
  return {
    name,
    async send(events) {
      const batches = chunk(events, size).map((batch) => ({ events: batch, eventIds: batch.map((e) => e.eventId) }));
      await relayGroups(batches, async (batch) => {
        const body = JSON.stringify({ v: 1, events: batch.events });
        const timestamp = String(Math.floor(now() / 1000));
        await relayPost(name, post, options.url, {
          headers: {
            'content-type': 'application/json',
            [WEBHOOK_TIMESTAMP_HEADER]: timestamp,
            [WEBHOOK_SIGNATURE_HEADER]: `${WEBHOOK_SIGNATURE_VERSION}=${signWebhook(options.secret, timestamp, body)}`,
          },
          body,
          timeoutMs,
        }, now);
      });
    },
  };
}
