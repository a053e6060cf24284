import type { ActivityRecord, PageEventRecord, RequestRecord, VisitRecord } from '../../layers/core/src/domain/records';
import type { FirstTouch } from '../../layers/core/src/domain/attribution';
import type { TableContext } from '../../layers/core/src/store/client';
import { putActivity } from '../../layers/core/src/store/activity/put-activity';
import { incrementHitCounter } from '../../layers/core/src/store/hits/increment-hit-counter';
import { putRecord } from '../../layers/core/src/store/records/put-record';
import { createSession } from '../../layers/core/src/store/sessions/create-session';
import { passViewGate } from '../../layers/core/src/store/views/pass-view-gate';

export const RETENTION_DAYS = 395;

/** Strings a CSV writer must quote or defuse: commas, quotes, line breaks, a formula, non-ASCII. */
export const HOSTILE = {
  comma: '/a,b?c=1,2',
  quotes: 'say "hi"',
  newline: 'Mozilla/5.0\r\nX-Injected: 1',
  formula: '=HYPERLINK("http://evil.example","click")',
  unicode: '/caf\u00e9/\u{1f600}',
} as const;

/** Three sessions (January, February, March 2024), each with a first record, more records, and activity. */
export const SESSIONS = ['AAAAAAAAAAAAAAAAAAAAAA', 'BBBBBBBBBBBBBBBBBBBBBB', 'CCCCCCCCCCCCCCCCCCCCCC'] as const;

export interface Seeded {
  readonly activity: ActivityRecord[];
  /** Every stored visit record, including each session's first one. */
  readonly records: VisitRecord[];
  readonly sessions: { sessionId: string; createdAt: string; touch: FirstTouch }[];
}

const signals = (userAgent: string) => ({ ip: '203.0.113.0', country: 'FR', headers: { 'user-agent': userAgent, 'accept-language': 'fr-FR,fr;q=0.9' } });

/**
 * Writes the same data through the store's own access patterns (so items have their real shapes):
 * sessions with attribution and first records, request and browser records, activity rows at the
 * edges of the months, and items no export may include (hit counters, view markers).
 */
export async function seed(table: TableContext): Promise<Seeded> {
  const records: VisitRecord[] = [];
  const sessions: Seeded['sessions'] = [];
  const months = ['2024-01', '2024-02', '2024-03'];
  for (const [index, sessionId] of SESSIONS.entries()) {
    const month = months[index]!;
    const first: PageEventRecord = {
      kind: 'event',
      eventId: `first-${index}`,
      sessionId,
      at: new Date(`${month}-01T00:00:00.000Z`),
      url: `https://shop.example/landing${index}?utm_source=news`,
      event: 'pageview',
      visitorId: `visitor${index}`,
      confidence: 0.9,
      referrer: 'https://ref.example/',
      title: index === 1 ? HOSTILE.quotes : `Title ${index}`,
      props: index === 2 ? { plan: 'pro', seats: 3 } : undefined,
      fingerprint: { id: `fp${index}`, version: 1 },
      signals: signals(index === 1 ? HOSTILE.newline : `UA ${index}`),
      gpc: false,
    };
    const touch: FirstTouch = { landingUrl: first.url, referrer: first.referrer, utmSource: 'news' };
    await createSession(table, first, touch, RETENTION_DAYS);
    sessions.push({ sessionId, createdAt: first.at.toISOString(), touch });
    records.push(first);
    const request: RequestRecord = {
      kind: 'request',
      eventId: `request-${index}`,
      sessionId,
      at: new Date(`${month}-15T10:00:00.000Z`),
      url: `https://shop.example${index === 0 ? HOSTILE.comma : HOSTILE.unicode}`,
      fingerprint: { id: `fpr${index}`, version: 1 },
      signals: signals(`UA ${index}`),
      gpc: index === 2,
    };
    await putRecord(table, request, RETENTION_DAYS);
    records.push(request);
    await passViewGate(table, { sessionId, url: request.url, kind: 'request', now: request.at, debounceSeconds: 10, token: `t${index}` }, RETENTION_DAYS);
    await incrementHitCounter(table, request.url);
  }
  // The last millisecond of January, the first of February, the first of March: the range edges.
  const activityTimes = ['2024-01-10T08:00:00.000Z', '2024-01-31T23:59:59.999Z', '2024-02-01T00:00:00.000Z', '2024-02-15T12:30:00.000Z', '2024-03-01T00:00:00.000Z', '2024-03-20T09:00:00.000Z'];
  const activity: ActivityRecord[] = activityTimes.map((at, index) => ({
    eventId: `activity-${index}`,
    at: new Date(at),
    date: at.slice(0, 10),
    path: index === 3 ? HOSTILE.comma : index === 4 ? HOSTILE.unicode : `/page/${index}`,
    referer: index === 2 ? HOSTILE.formula : undefined,
    sessionId: index === 5 ? undefined : SESSIONS[Math.min(2, Math.floor(index / 2))],
    userId: index % 2 === 0 ? `user-${index}` : undefined,
    ip: '198.51.100.0',
    userAgent: index === 3 ? HOSTILE.newline : `UA activity ${index}`,
  }));
  for (const row of activity) await putActivity(table, row, RETENTION_DAYS);
  return { activity, records, sessions };
}

/** Inside [since, until) as the CLI reads its options. */
export function within(at: string, since?: string, until?: string): boolean {
  return (since === undefined || at >= since) && (until === undefined || at < until);
}
