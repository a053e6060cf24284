import { ItemType } from '../../layers/core/src/store/keys';
import { sessionFirstRecord, sessionFirstTouch } from '../../layers/core/src/store/sessions/session-item';

export const EXPORT_TYPES = ['activity', 'fingerprints', 'sessions'] as const;
export type ExportType = (typeof EXPORT_TYPES)[number];

export type Item = Record<string, unknown>;

/** Fixed CSV columns per export type, in order: JSONL carries every stored attribute, CSV these. */
export const CSV_COLUMNS: Readonly<Record<ExportType, readonly string[]>> = {
  activity: ['at', 'eventId', 'sessionId', 'userId', 'date', 'path', 'referer', 'ip', 'userAgent', 'expiresAt'],
  fingerprints: [
    'at', 'type', 'eventId', 'sessionId', 'url', 'event', 'fp', 'fpv', 'visitorId', 'confidence',
    'ip', 'country', 'asn', 'gpc', 'referrer', 'title', 'headers', 'props', 'expiresAt',
  ],
  sessions: [
    'createdAt', 'sessionId', 'userId', 'landingUrl', 'referrer', 'utmSource', 'utmMedium', 'utmCampaign',
    'utmTerm', 'utmContent', 'gclid', 'fbclid', 'expiresAt',
  ],
};

export interface TimeRange {
  /** Inclusive, in the stored ISO form. */
  readonly since?: string;
  /** Exclusive, in the stored ISO form. */
  readonly until?: string;
}

export interface ScanFilter {
  readonly FilterExpression: string;
  readonly ExpressionAttributeNames: Record<string, string>;
  readonly ExpressionAttributeValues: Record<string, unknown>;
}

/**
 * The Scan filter of one export type: its item `type`s and its time attribute within [since, until).
 * Fingerprints include a session's first record, stored inside the session item (`first`, see docs/data-model.md).
 */
export function scanFilter(type: ExportType, range: TimeRange): ScanFilter {
  const names: Record<string, string> = { '#type': 'type' };
  const values: Record<string, unknown> = {};
  // DynamoDB refuses unused names, so a time attribute is named only when a bound uses it.
  const within = (attribute: 'at' | 'createdAt'): string => {
    const parts: string[] = [];
    if (range.since !== undefined) parts.push(`#${attribute} >= :since`);
    if (range.until !== undefined) parts.push(`#${attribute} < :until`);
    if (parts.length === 0) return '';
    names[`#${attribute}`] = attribute;
    return ` AND ${parts.join(' AND ')}`;
  };
  if (range.since !== undefined) values[':since'] = range.since;
  if (range.until !== undefined) values[':until'] = range.until;
  switch (type) {
    case 'activity':
      values[':activity'] = ItemType.activity;
      return { FilterExpression: `#type = :activity${within('at')}`, ExpressionAttributeNames: names, ExpressionAttributeValues: values };
    case 'sessions':
      values[':session'] = ItemType.session;
      return { FilterExpression: `#type = :session${within('createdAt')}`, ExpressionAttributeNames: names, ExpressionAttributeValues: values };
    case 'fingerprints':
      // A session's first record shares the session item's createdAt (it is not stored twice).
      names['#first'] = 'first';
      values[':rfp'] = ItemType.requestFingerprint;
      values[':ev'] = ItemType.browserEvent;
      values[':session'] = ItemType.session;
      return {
        FilterExpression: `(#type IN (:rfp, :ev)${within('at')}) OR (#type = :session AND attribute_exists(#first)${within('createdAt')})`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      };
  }
}

const TABLE_KEYS = new Set(['pk', 'sk', 'gsi1pk', 'gsi1sk']);

/**
 * The exported record of a stored item, as readers see it: the table's key attributes dropped, a
 * session's first record unwrapped (fingerprints) and its first-touch defaults put back (sessions).
 */
export function exportRecord(type: ExportType, item: Item): Item {
  if (type === 'fingerprints' && item.type === ItemType.session) {
    return withoutKeys({ ...sessionFirstRecord(item), expiresAt: item.expiresAt });
  }
  if (type === 'sessions') {
    const touch = sessionFirstTouch(item);
    return withoutKeys({ ...item, firstTouch: Object.keys(touch).length === 0 ? undefined : touch });
  }
  return withoutKeys(item);
}

/** A record's values in its type's CSV column order; a session's attribution columns come from `firstTouch`. */
export function csvValues(type: ExportType, record: Item): unknown[] {
  const touch = type === 'sessions' && typeof record.firstTouch === 'object' && record.firstTouch !== null ? (record.firstTouch as Item) : {};
  return CSV_COLUMNS[type].map((column) => record[column] ?? touch[column]);
}

function withoutKeys(item: Item): Item {
  const record: Item = {};
  for (const [key, value] of Object.entries(item)) if (!TABLE_KEYS.has(key)) record[key] = value;
  return record;
}
