import { requestFingerprint, type RequestFingerprint } from '../domain/fingerprint';
import { storedIp } from '../domain/ip';
import { requestSignals, type RequestSignals } from '../domain/request-signals';
import { isSessionId, newSessionId } from '../domain/session-id';
import { visitorVerdict, type VisitorVerdict } from '../domain/visitor-policy';
import type { Runtime } from '../runtime';
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
}

/**
 * Runs the request-level pipeline steps: bot and GPC verdict, session assignment, request
 * fingerprint. The hash may use the full IP in memory; only the reduced IP is kept.
 * @example const visit = beginVisit(request, runtime)
 */
export function beginVisit(request: HttpRequest, runtime: Runtime): Visit {
  const { config } = runtime;
  const verdict = visitorVerdict({
    userAgent: request.headers['user-agent'],
    gpcHeader: request.headers['sec-gpc'],
    gpcMode: config.gpcMode,
  });
  const cookie = request.cookies.get(SESSION_COOKIE);
  const sessionIsNew = !isSessionId(cookie);
  const sessionId = sessionIsNew ? newSessionId() : (cookie as string);
  const fullSignals = requestSignals(request.headers, request.clientIp);
  return {
    verdict,
    eventId: runtime.newEventId(),
    at: runtime.now(),
    sessionId,
    sessionIsNew,
    cookies: sessionIsNew ? [sessionCookie(sessionId, config.sessionCookieDays, request.secure)] : [],
    signals: verdict.anonymous ? undefined : { ...fullSignals, ip: storedIp(request.clientIp, config.ipMode) },
    fingerprint: verdict.anonymous ? undefined : requestFingerprint(fullSignals, config.fingerprintSecret),
  };
}
