import { unmarshall, type NativeAttributeValue } from '@aws-sdk/util-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { z } from 'zod';
import { forwardEventOfItem } from './event-of-item';
import type { DeadLetter } from './dead-letter';
import type { ForwardEvent } from './event';

const text = (max: number) => z.string().max(max);

/** The queue message schema: validated once when it leaves the queue, like any other input. */
const forwardEventSchema = z.object({
  v: z.literal(1),
  eventId: z.string().min(1).max(64),
  kind: z.enum(['pageview', 'event', 'request', 'activity']),
  name: text(64),
  at: z.iso.datetime(),
  url: text(2048).optional(),
  path: text(1000).optional(),
  referrer: text(2048).optional(),
  title: text(512).optional(),
  props: z.record(text(40), z.union([text(100), z.number(), z.boolean()])).optional(),
  sessionId: text(64).optional(),
  sessionStartedAt: z.iso.datetime().optional(),
  visitorId: text(64).optional(),
  userId: text(256).optional(),
  userAgent: text(512).optional(),
  ip: text(64).optional(),
  requestFingerprint: text(64).optional(),
  language: text(35).optional(),
  country: text(2).optional(),
  gpc: z.boolean(),
  dnt: z.boolean(),
  status: z.number().int().min(100).max(599).optional(),
  hit: text(2048).optional(),
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
  const parsed = forwardEventSchema.safeParse(value);
  return parsed.success ? (parsed.data as ForwardEvent) : undefined;
}
