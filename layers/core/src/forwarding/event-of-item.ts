import { firstLanguage } from '../http/request-facts';
import { ItemType } from '../store/keys';
import { sessionFirstRecord } from '../store/sessions/session-item';
import type { ForwardEvent } from './event';

type Item = Record<string, unknown>;

const text = (value: unknown): string | undefined => (typeof value === 'string' && value.length > 0 ? value : undefined);
const flag = (value: unknown): boolean => value === true;

/** The item types whose creation is an event: the change stream (and the local feed) carries only these. */
export const EVENT_ITEM_TYPES: readonly string[] = [ItemType.session, ItemType.requestFingerprint, ItemType.browserEvent, ItemType.activity];

/**
 * The queue message for a stored item, built from the item alone: what we forward is exactly what we
 * store, never more. A session item is its embedded first record. Anonymous records (GPC or no
 * consent: stored without signals) carry no user agent, IP, language or other fingerprint input.
 * Returns undefined for items that are not events.
 * @example forwardEventOfItem(unmarshall(streamRecord.dynamodb.NewImage))
 */
export function forwardEventOfItem(item: Item): ForwardEvent | undefined {
  if (item.type === ItemType.activity) return activityEvent(item);
  const record = item.type === ItemType.session ? sessionFirstRecord(item) : item.type === ItemType.requestFingerprint || item.type === ItemType.browserEvent ? item : undefined;
  if (record === undefined) return undefined;
  const eventId = text(record.eventId);
  const at = text(record.at);
  const sessionId = text(record.sessionId);
  const url = text(record.url);
  if (eventId === undefined || at === undefined || url === undefined) return undefined;
  const headers = (record.headers ?? {}) as Record<string, unknown>;
  // An anonymous record stores no signals; its forwarded event carries none either.
  const anonymous = record.ip === undefined && record.fp === undefined && Object.keys(headers).length === 0;
  const hit = record.hit === true ? url : text(record.hit);
  const base = {
    v: 1 as const,
    eventId,
    at,
    url,
    sessionId,
    sessionStartedAt: item.type === ItemType.session ? text(item.createdAt) : (text(record.ss) ?? at),
    userId: text(record.uid),
    userAgent: anonymous ? undefined : text(headers['user-agent']),
    ip: text(record.ip),
    // First-party only (returning devices on the dashboard): the privacy filter removes it before any provider.
    requestFingerprint: anonymous ? undefined : text(record.fp),
    language: anonymous ? undefined : firstLanguage(text(headers['accept-language'])),
    country: text(record.country),
    gpc: flag(record.gpc),
    dnt: flag(record.dnt),
    ...(typeof record.status === 'number' ? { status: record.status } : {}),
    ...(hit === undefined ? {} : { hit }),
  };
  if (record.type === ItemType.requestFingerprint) return { ...base, kind: 'request', name: 'request' };
  const name = text(record.event) ?? 'pageview';
  return {
    ...base,
    kind: name === 'pageview' ? 'pageview' : 'event',
    name,
    referrer: text(record.referrer),
    title: text(record.title),
    props: record.props as ForwardEvent['props'],
    visitorId: text(record.visitorId),
  };
}

function activityEvent(item: Item): ForwardEvent | undefined {
  const eventId = text(item.eventId);
  const at = text(item.at);
  if (eventId === undefined || at === undefined) return undefined;
  return {
    v: 1,
    eventId,
    kind: 'activity',
    name: 'activity',
    at,
    path: text(item.path),
    referrer: text(item.referer),
    sessionId: text(item.sessionId),
    userId: text(item.userId),
    userAgent: text(item.userAgent),
    ip: text(item.ip),
    language: text(item.lang),
    gpc: flag(item.gpc),
    dnt: flag(item.dnt),
  };
}
