import type { ActivityRecord, SessionInfo, VisitRecord } from '../domain/records';
import type { HttpRequest } from '../http/request';
import type { ForwardEvent } from './event';

/** Request facts every forwarded event carries, taken once at the boundary. */
export interface RequestFacts {
  readonly userAgent?: string;
  readonly language?: string;
  readonly dnt: boolean;
}

/** @example requestFacts(request) // { userAgent: 'Mozilla/5.0 …', language: 'en-GB', dnt: false } */
export function requestFacts(request: Pick<HttpRequest, 'headers'>): RequestFacts {
  const language = request.headers['accept-language']?.split(',')[0]?.split(';')[0]?.trim();
  return {
    userAgent: request.headers['user-agent']?.slice(0, 512),
    language: language !== undefined && /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(language) ? language : undefined,
    dnt: request.headers.dnt?.trim() === '1',
  };
}

/**
 * The queue message for a recorded visit. Anonymous (GPC) visits carry neither IP nor user agent.
 * @example visitForwardEvent(record, facts, outcome.session)
 */
export function visitForwardEvent(record: VisitRecord, facts: RequestFacts, session: SessionInfo | undefined): ForwardEvent {
  const anonymous = record.signals === undefined;
  const base = {
    v: 1 as const,
    eventId: record.eventId,
    at: record.at.toISOString(),
    url: record.url,
    sessionId: record.sessionId,
    sessionStartedAt: session?.createdAt ?? record.at.toISOString(),
    userId: session?.userId,
    userAgent: anonymous ? undefined : facts.userAgent,
    ip: record.signals?.ip,
    requestFingerprint: record.fingerprint?.id,
    language: facts.language,
    country: record.signals?.country,
    gpc: record.gpc,
    dnt: facts.dnt,
  };
  if (record.kind === 'request') return { ...base, kind: 'request', name: 'request' };
  return {
    ...base,
    kind: record.event === 'pageview' ? 'pageview' : 'event',
    name: record.event,
    referrer: record.referrer,
    title: record.title,
    props: record.props,
    visitorId: record.visitorId,
  };
}

/** The queue message for an activity-log row. */
export function activityForwardEvent(activity: ActivityRecord, facts: RequestFacts, gpc: boolean): ForwardEvent {
  return {
    v: 1,
    eventId: activity.eventId,
    kind: 'activity',
    name: 'activity',
    at: activity.at.toISOString(),
    path: activity.path,
    referrer: activity.referer,
    sessionId: activity.sessionId,
    userId: activity.userId,
    userAgent: activity.userAgent,
    ip: activity.ip,
    language: facts.language,
    gpc,
    dnt: facts.dnt,
  };
}
