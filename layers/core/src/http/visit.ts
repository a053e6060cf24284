import { requestFingerprint, type RequestFingerprint } from '../domain/fingerprint';
import { storedIp } from '../domain/ip';
import { CLOUDFRONT_TLS_HEADERS, requestSignals, type RequestSignals } from '../domain/request-signals';
import { isSessionId, newSessionId } from '../domain/session-id';
import { visitorVerdict, type VisitorVerdict } from '../domain/visitor-policy';
import type { VisitRuntime } from '../runtime';
import type { RequestRecord } from '../domain/records';
import { SESSION_COOKIE, sessionCookie } from './cookies';
import type { HttpRequest } from './request';

/** What the ingestion pipeline knows about a request before it is recorded. */
export interface Visit {
  readonly verdict: VisitorVerdict;
  readonly eventId: string;
  readonly at: Date;
  readonly sessionId: string;
  readonly sessionIsNew: boolean;
  /** `Set-Cookie` values to send when the visit is recorded. */
  readonly cookies: string[];
  /** Signals as stored (IP reduced per the privacy mode); undefined for anonymous (GPC) visits. */
  readonly signals?: RequestSignals;
  readonly fingerprint?: RequestFingerprint;
  /** The visitor sent `DNT: 1`. */
  readonly dnt: boolean;
}

/** The session a request belongs to, and the cookie to set when it was minted. */
export interface AssignedSession {
  readonly sessionId: string;
  /** True only when the id was minted for this request (no stored session can exist yet). */
  readonly sessionIsNew: boolean;
  readonly cookies: string[];
}

/**
 * Cookie mode: the valid `ep_sid` cookie, or a fresh id with its cookie. Cookieless mode: no cookie
 * is read or set; the id is the daily-salted hash of the site (request origin), IP and user agent,
 * yesterday's when that session exists (see privacy/cookieless.ts).
 * @example const { sessionId, cookies } = await assignSession(request, runtime)
 */
export async function assignSession(request: HttpRequest, runtime: VisitRuntime): Promise<AssignedSession> {
  const { config } = runtime;
  if (config.privacyMode === 'cookieless' && runtime.cookieless !== undefined) {
    const session = await runtime.cookieless.resolve({
      site: request.origin,
      ip: request.clientIp,
      userAgent: request.headers['user-agent'],
      at: runtime.now(),
    });
    // Whether it is stored is unknown without a read: recordVisit reads it.
    return { sessionId: session.sessionId, sessionIsNew: false, cookies: [] };
  }
  const cookie = request.cookies.get(SESSION_COOKIE);
  if (isSessionId(cookie)) return { sessionId: cookie, sessionIsNew: false, cookies: [] };
  const sessionId = newSessionId();
  return { sessionId, sessionIsNew: true, cookies: [sessionCookie(sessionId, config.sessionCookieDays, request.secure)] };
}

/** The request's headers as signals may use them: CloudFront's TLS headers only when CloudFront is trusted to have set them. */
function signalHeaders(request: HttpRequest, runtime: VisitRuntime): Readonly<Record<string, string | undefined>> {
  if (runtime.config.trustCloudFrontViewerAddress) return request.headers;
  const headers = { ...request.headers };
  for (const name of CLOUDFRONT_TLS_HEADERS) delete headers[name];
  return headers;
}

/**
 * Runs the request-level pipeline steps: bot and GPC verdict, session assignment, request
 * fingerprint. The hash may use the full IP in memory; only the reduced IP is kept. Dropped visits
 * (bots, GPC drop) get a throwaway session id and touch nothing.
 * @example const visit = await beginVisit(request, runtime)
 */
export async function beginVisit(request: HttpRequest, runtime: VisitRuntime, options: { readonly anonymous?: boolean } = {}): Promise<Visit> {
  const { config } = runtime;
  const policy = visitorVerdict({
    userAgent: request.headers['user-agent'],
    gpcHeader: request.headers['sec-gpc'],
    gpcMode: config.gpcMode,
  });
  // The browser asked for anonymity itself (no consent to fingerprinting yet): honoured like GPC's anonymous mode.
  const verdict = options.anonymous === true && policy.drop === undefined ? { ...policy, anonymous: true } : policy;
  const session: AssignedSession =
    verdict.drop === undefined ? await assignSession(request, runtime) : { sessionId: newSessionId(), sessionIsNew: true, cookies: [] };
  const fullSignals = requestSignals(signalHeaders(request, runtime), request.clientIp);
  return {
    verdict,
    eventId: runtime.newEventId(),
    at: runtime.now(),
    sessionId: session.sessionId,
    sessionIsNew: session.sessionIsNew,
    cookies: session.cookies,
    signals: verdict.anonymous ? undefined : { ...fullSignals, ip: storedIp(request.clientIp, config.ipMode) },
    fingerprint: verdict.anonymous ? undefined : requestFingerprint(fullSignals, config.fingerprintSecret, { ja4: config.fingerprintJa4 }),
    dnt: request.headers.dnt?.trim() === '1',
  };
}

/**
 * The request-fingerprint record of a visit (the redirect page, `recordRequest()`), for `url`.
 * @example const record = requestRecordOf(visit, request.url)
 */
export function requestRecordOf(visit: Visit, url: string): RequestRecord {
  return {
    kind: 'request',
    eventId: visit.eventId,
    sessionId: visit.sessionId,
    at: visit.at,
    url,
    signals: visit.signals,
    fingerprint: visit.fingerprint,
    gpc: visit.verdict.gpc,
    dnt: visit.dnt,
  };
}
