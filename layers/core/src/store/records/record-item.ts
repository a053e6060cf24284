import type { VisitRecord } from '../../domain/records';

/** The attributes a visit record stores, shared by record items and the session item's first record. */
export function recordAttributes(record: VisitRecord): Record<string, unknown> {
  const base = {
    eventId: record.eventId,
    sessionId: record.sessionId,
    at: record.at.toISOString(),
    url: record.url,
    fp: record.fingerprint?.id,
    fpv: record.fingerprint?.version,
    ip: record.signals?.ip,
    country: record.signals?.country,
    headers: record.signals === undefined || Object.keys(record.signals.headers).length === 0 ? undefined : record.signals.headers,
    gpc: record.gpc ? true : undefined,
  };
  if (record.kind === 'request') return base;
  return {
    ...base,
    event: record.event,
    visitorId: record.visitorId,
    confidence: record.confidence,
    referrer: record.referrer,
    title: record.title,
    props: record.props === undefined || Object.keys(record.props).length === 0 ? undefined : record.props,
  };
}
