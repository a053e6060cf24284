import type { FirstTouch } from '../../domain/attribution';

type Item = Record<string, unknown>;

/**
 * The session's first record as a standalone record: the stored `first` map with the `sessionId`
 * and `at` it shares with its session item put back. Undefined for items without one.
 * @example sessionFirstRecord(item)?.visitorId
 */
export function sessionFirstRecord(item: Item): Item | undefined {
  const first = item.first;
  if (first === null || typeof first !== 'object') return undefined;
  return { ...(first as Item), sessionId: item.sessionId, at: item.createdAt };
}

/**
 * The session's first-touch attribution with the defaults put back: `landingUrl` and `referrer`
 * are stored only when they differ from the first record's `url` and `referrer`.
 */
export function sessionFirstTouch(item: Item): FirstTouch {
  const stored = (item.firstTouch ?? {}) as Record<string, string>;
  const first = (item.first ?? {}) as Item;
  const touch: Record<string, string> = { ...stored };
  if (touch.landingUrl === undefined && typeof first.url === 'string') touch.landingUrl = first.url;
  if (touch.referrer === undefined && typeof first.referrer === 'string') touch.referrer = first.referrer;
  return touch;
}
