import type { VisitRecord } from '../../domain/records';

/**
 * Signal headers as stored: the `referer` header is left out when it only repeats the record's own
 * url (what a beacon from the page sends), which keeps typical items under 1 KB (1 write unit).
 */
function storedHeaders(record: VisitRecord): Record<string, string> | undefined {
  if (record.signals === undefined) return undefined;
  const headers: Record<string, string> = { ...record.signals.headers };
  if (headers.referer === record.url) delete headers.referer;
  return Object.keys(headers).length === 0 ? undefined : headers;
}

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
    asn: record.signals?.asn,
    headers: storedHeaders(record),
    gpc: record.gpc ? true : undefined,
    dnt: record.dnt === true ? true : undefined,
    status: record.status,
    // What the queue consumer needs from the request's moment (it reads only this item):
    // the hit it counts (`true` when it is the record's own url), its session's start and user.
    hit: record.hit === undefined ? undefined : record.hit === record.url ? true : record.hit,
    ss: record.sessionStartedAt,
    uid: record.userId,
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
