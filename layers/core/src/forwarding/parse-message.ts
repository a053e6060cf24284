import { unmarshall, type NativeAttributeValue } from '@aws-sdk/util-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import * as v from 'valibot';
import { forwardEventOfItem } from './event-of-item';
import type { DeadLetter } from './dead-letter';
import type { ForwardEvent } from './event';

const text = (max: number) => v.optional(v.pipe(v.string(), v.maxLength(max)));
const requiredText = (min: number, max: number) => v.pipe(v.string(), v.minLength(min), v.maxLength(max));
/** An ISO 8601 UTC time as `Date.toISOString()` writes it (seconds and fraction optional, `Z` only). */
const isoTime = v.pipe(
  v.string(),
  v.regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?Z$/),
  v.check((value) => !Number.isNaN(Date.parse(value)), 'Invalid date'),
);

/** The queue message schema: validated once when it leaves the queue, like any other input. */
const forwardEventSchema = v.object({
  v: v.literal(1),
  eventId: requiredText(1, 64),
  kind: v.picklist(['pageview', 'event', 'request', 'activity']),
  name: requiredText(0, 64),
  at: isoTime,
  url: text(2048),
  path: text(1000),
  referrer: text(2048),
  title: text(512),
  props: v.optional(v.record(requiredText(0, 40), v.union([requiredText(0, 100), v.number(), v.boolean()]))),
  sessionId: text(64),
  sessionStartedAt: v.optional(isoTime),
  visitorId: text(64),
  userId: text(256),
  userAgent: text(512),
  ip: text(64),
  requestFingerprint: text(64),
  language: text(35),
  country: text(2),
  gpc: v.boolean(),
  dnt: v.boolean(),
  status: v.optional(v.pipe(v.number(), v.integer(), v.minValue(100), v.maxValue(599))),
  hit: text(2048),
});

/** A DynamoDB stream record as EventBridge Pipes (or the local feed) puts it on the queue. */
function streamImage(value: unknown): Record<string, NativeAttributeValue> | undefined {
  const image = (value as { dynamodb?: { NewImage?: unknown } } | null)?.dynamodb?.NewImage;
  if (image === null || typeof image !== 'object') return undefined;
  try {
    return unmarshall(image as Record<string, AttributeValue>);
  } catch {
    return undefined;
  }
}

/**
 * Parses a queue message body: a DynamoDB stream record of a stored event item (the normal path:
 * the event is built from the item), a ForwardEvent, or a dead-letter envelope being re-driven.
 * Returns undefined for anything else (it goes to the dead-letter queue as malformed).
 */
export function parseQueueMessage(body: string): ForwardEvent | undefined {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (value !== null && typeof value === 'object' && (value as Partial<DeadLetter>).deadLetter === 1) {
    value = (value as DeadLetter).event;
  }
  const image = streamImage(value);
  if (image !== undefined) value = forwardEventOfItem(image);
  const parsed = v.safeParse(forwardEventSchema, value);
  return parsed.success ? (parsed.output as ForwardEvent) : undefined;
}
