/**
 * Two periods of traffic (yesterday and today) as the queue would deliver it, for the dashboard's
 * comparison, hourly, entry-page, realtime and returning-device tests, with an independent model of
 * what /v1/stats must answer. Browsers come back today with their cookie, with a new cookie and the
 * same visitorId, with a new cookie and the same request fingerprint (no visitorId: edge requests),
 * or with GPC; new browsers and a session without consent (no visitorId, no fingerprint) join them.
 */
import type { ForwardEvent } from '../../layers/core/src/forwarding/event';
import { AGENTS } from './aggregate-traffic';
import { forwardEvent } from './forward-event-factory';

export interface PlannedSessionDay {
  readonly sessionId: string;
  /** When the cookie was set. */
  readonly startedAt: string;
  readonly visitorId?: string;
  readonly requestFingerprint?: string;
  readonly gpc: boolean;
  /** Pages viewed, in order; `request` ones are fingerprinted requests (edge), the others browser pageviews. */
  readonly views: readonly { readonly at: string; readonly path: string; readonly kind: 'pageview' | 'request' }[];
}

export interface PeriodModel {
  readonly visitors: number;
  readonly sessions: number;
  readonly pageviews: number;
  readonly entries: Map<string, number>;
  readonly hoursPageviews: number[];
  readonly hoursVisitors: number[];
  readonly returningByCookie: number;
  readonly returningByVisitorId: number;
  readonly returningByFingerprint: number;
}

const PAGES = ['/', '/pricing', '/docs/getting-started-with-edge-fingerprints', '/blog/why-cookies-are-not-enough', '/about'];

/**
 * The sessions of both days for `site`, relative to `now` (today's older events stay inside today,
 * its newest are seconds old, so they are in the realtime window).
 * @example const sessions = planPeriods('p.example', new Date())
 */
export function planPeriods(now: Date, seed = 1): { yesterday: PlannedSessionDay[]; today: PlannedSessionDay[] } {
  const todayStart = Date.parse(`${now.toISOString().slice(0, 10)}T00:00:00.000Z`);
  const y = (hour: number, minute: number) => new Date(todayStart - 86_400_000 + hour * 3_600_000 + minute * 60_000).toISOString();
  // Today: older events spread over the hours before now (never before midnight), recent ones seconds ago.
  const older = (index: number) => new Date(Math.max(todayStart + index * 1000, now.getTime() - 15 * 60_000 - index * 37 * 60_000)).toISOString();
  const recent = (index: number) => new Date(Math.max(todayStart + index * 1000, now.getTime() - 20_000 - index * 1000)).toISOString();
  const views = (times: string[], offset: number, kind: 'pageview' | 'request' = 'pageview') =>
    times.map((at, index) => ({ at, path: PAGES[(offset + index * (seed + 1)) % PAGES.length]!, kind }));
  const yesterday: PlannedSessionDay[] = [
    { sessionId: 'cookieA', startedAt: y(8, 0), visitorId: 'browserA', gpc: false, views: views([y(8, 0), y(8, 2)], 0) },
    { sessionId: 'cookieB', startedAt: y(9, 10), visitorId: 'browserB', gpc: false, views: views([y(9, 10)], 1) },
    { sessionId: 'cookieC1', startedAt: y(11, 5), visitorId: 'browserC', gpc: false, views: views([y(11, 5), y(11, 6), y(11, 9)], 2) },
    { sessionId: 'cookieD1', startedAt: y(13, 0), requestFingerprint: 'fpD', gpc: false, views: views([y(13, 0), y(13, 1)], 3, 'request') },
    { sessionId: 'cookieE1', startedAt: y(17, 30), visitorId: 'browserE', gpc: false, views: views([y(17, 30)], 4) },
    { sessionId: 'cookieF', startedAt: y(22, 45), visitorId: 'browserF', gpc: false, views: views([y(22, 45), y(22, 50)], 0) },
  ];
  const today: PlannedSessionDay[] = [
    // The same cookie as yesterday: returning by cookie.
    { sessionId: 'cookieA', startedAt: y(8, 0), visitorId: 'browserA', gpc: false, views: views([older(2), older(1)], 1) },
    { sessionId: 'cookieB', startedAt: y(9, 10), visitorId: 'browserB', gpc: false, views: views([recent(1)], 2) },
    // A new cookie, the same visitorId: recognised by the browser fingerprint.
    { sessionId: 'cookieC2', startedAt: older(3), visitorId: 'browserC', gpc: false, views: views([older(3), recent(2)], 3) },
    // A new cookie, no visitorId, the same request fingerprint: recognised by the request fingerprint.
    { sessionId: 'cookieD2', startedAt: older(4), requestFingerprint: 'fpD', gpc: false, views: views([older(4)], 4, 'request') },
    // Back with GPC: anonymous, left out of returning devices.
    { sessionId: 'cookieE2', startedAt: recent(3), gpc: true, views: views([recent(3), recent(4)], 0) },
    // New browsers, and one without consent (no visitorId, no fingerprint).
    { sessionId: 'cookieG', startedAt: older(5), visitorId: 'browserG', gpc: false, views: views([older(6), older(5), recent(5)], 1) },
    { sessionId: 'cookieH', startedAt: recent(6), visitorId: 'browserH', gpc: false, views: views([recent(6)], 2) },
    { sessionId: 'cookieI', startedAt: older(7), gpc: false, views: views([older(8), older(7)], 3) },
  ];
  return { yesterday, today };
}

/** The queue messages of planned sessions, in time order. */
export function periodEvents(site: string, sessions: readonly PlannedSessionDay[]): ForwardEvent[] {
  return sessions
    .flatMap((session, index) =>
      session.views.map((view) =>
        forwardEvent({
          kind: view.kind,
          name: view.kind,
          at: view.at,
          url: `https://${site}${view.path}`,
          referrer: undefined,
          sessionId: session.sessionId,
          sessionStartedAt: session.startedAt,
          visitorId: view.kind === 'request' ? undefined : session.visitorId,
          requestFingerprint: session.requestFingerprint,
          userAgent: session.gpc ? undefined : AGENTS[index % AGENTS.length]!.ua,
          country: session.gpc ? undefined : 'DE',
          gpc: session.gpc,
        }),
      ),
    )
    .sort((a, b) => a.at.localeCompare(b.at));
}

/**
 * What one day must count, from the plan alone. `earlier` are the sessions of the days before
 * (for returning devices); every visitorId has at most one session a day here.
 * @example const model = modelPeriod(today, yesterday)
 */
export function modelPeriod(sessions: readonly PlannedSessionDay[], earlier: readonly PlannedSessionDay[]): PeriodModel {
  const entries = new Map<string, number>();
  const hoursPageviews = Array.from({ length: 24 }, () => 0);
  const hoursVisitors = Array.from({ length: 24 }, () => 0);
  const visitors = new Set<string>();
  let returningByCookie = 0;
  let returningByVisitorId = 0;
  let returningByFingerprint = 0;
  for (const session of sessions) {
    // The entry page is the earliest view (near midnight, clamped times can reorder them).
    const first = [...session.views].sort((a, b) => a.at.localeCompare(b.at))[0]!;
    entries.set(first.path, (entries.get(first.path) ?? 0) + 1);
    for (const view of session.views) hoursPageviews[new Date(view.at).getUTCHours()]! += 1;
    visitors.add(session.visitorId ?? session.sessionId);
    hoursVisitors[new Date(first.at).getUTCHours()]! += 1;
    if (session.gpc || (session.visitorId === undefined && session.requestFingerprint === undefined)) continue;
    if (session.startedAt.slice(0, 10) < first.at.slice(0, 10)) returningByCookie += 1;
    else if (session.visitorId !== undefined && earlier.some((other) => other.visitorId === session.visitorId)) returningByVisitorId += 1;
    else if (session.visitorId === undefined && earlier.some((other) => other.visitorId === undefined && other.requestFingerprint === session.requestFingerprint)) returningByFingerprint += 1;
  }
  return {
    visitors: visitors.size,
    sessions: sessions.length,
    pageviews: sessions.reduce((sum, session) => sum + session.views.length, 0),
    entries,
    hoursPageviews,
    hoursVisitors,
    returningByCookie,
    returningByVisitorId,
    returningByFingerprint,
  };
}

/** Sessions with a view at or after `since` (ISO): the realtime count. */
export function realtimeSessions(sessions: readonly PlannedSessionDay[], since: string): number {
  return sessions.filter((session) => session.views.some((view) => view.at >= since)).length;
}
