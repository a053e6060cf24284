import type { APIGatewayProxyEvent, APIGatewayProxyEventV2 } from 'aws-lambda';
import { settleVisit } from '../endpoints/settle-visit';
import { firstTouch } from '../domain/attribution';
import type { RequestFingerprint } from '../domain/fingerprint';
import { recordVisit } from '../domain/record-visit';
import type { RequestRecord, SessionInfo } from '../domain/records';
import { isUserId } from '../domain/user-id';
import type { LinkOutcome } from '../domain/users';
import type { DropReason } from '../domain/visitor-policy';
import { ConflictError } from '../errors';
import { toHttpRequest } from '../http/request';
import { beginVisit, requestRecordOf } from '../http/visit';
import { runtimeFromEnvironment, type Runtime } from '../runtime';

/** API Gateway events `recordRequest` understands: HTTP API (payload 2.0) and REST API (payload 1.0). */
export type ApiGatewayEvent = APIGatewayProxyEventV2 | APIGatewayProxyEvent;

export interface RecordRequestOptions<E extends ApiGatewayEvent = APIGatewayProxyEventV2> {
  /**
   * The user making the request, when your function knows it (an authorizer's claim, a session):
   * the request's session is then linked to that user, as `POST /v1/sessions/link` does (without
   * `force`: a session that is another user's stays so, and `link` says `conflict`).
   */
  readonly userId?: (event: E) => string | undefined | Promise<string | undefined>;
  /**
   * Count a unique-session hit for the request URL.
   * @default true
   */
  readonly countHit?: boolean;
  /**
   * Where the configuration and table come from.
   * @default runtimeFromEnvironment (your function's EDGEPRINT_* variables, read once per cold start)
   */
  readonly runtime?: Runtime | (() => Runtime | Promise<Runtime>);
}

export interface RecordedRequest {
  /** False for bots and GPC drops (`reason`) and for repeats inside the debounce window (`debounced`). */
  readonly recorded: boolean;
  readonly reason?: DropReason;
  /** The request's session (absent when dropped); in cookie mode a new one comes with `cookies`. */
  readonly sessionId?: string;
  /** The request fingerprint (absent when dropped or anonymous under GPC). */
  readonly fingerprint?: RequestFingerprint;
  readonly hitCounted: boolean;
  /** `Set-Cookie` values for the response (the `ep_sid` cookie of a new session; none in cookieless mode). */
  readonly cookies: readonly string[];
  /** What happened to the session-to-user link, when `userId` named a user. */
  readonly link?: LinkOutcome | 'conflict';
}

/** A REST API (payload 1.0) event seen as an HTTP API (payload 2.0) event: only what toHttpRequest reads. */
function asV2(event: ApiGatewayEvent): APIGatewayProxyEventV2 {
  if ('version' in event && event.version === '2.0') return event as APIGatewayProxyEventV2;
  const v1 = event as APIGatewayProxyEvent;
  const query = new URLSearchParams();
  for (const [name, values] of Object.entries(v1.multiValueQueryStringParameters ?? {})) for (const value of values ?? []) query.append(name, value);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(v1.headers ?? {})) if (value !== undefined) headers[name.toLowerCase()] = value;
  const cookies = headers.cookie?.split(';').map((part) => part.trim()).filter(Boolean);
  return {
    version: '2.0',
    routeKey: `${v1.httpMethod} ${v1.resource}`,
    rawPath: v1.path,
    rawQueryString: query.toString(),
    cookies,
    headers,
    body: v1.body ?? undefined,
    isBase64Encoded: v1.isBase64Encoded,
    requestContext: {
      accountId: v1.requestContext.accountId,
      apiId: v1.requestContext.apiId,
      domainName: v1.requestContext.domainName ?? headers.host ?? 'localhost',
      domainPrefix: v1.requestContext.domainPrefix ?? '',
      http: { method: v1.httpMethod, path: v1.path, protocol: v1.requestContext.protocol, sourceIp: v1.requestContext.identity.sourceIp, userAgent: headers['user-agent'] ?? '' },
      requestId: v1.requestContext.requestId,
      routeKey: `${v1.httpMethod} ${v1.resource}`,
      stage: v1.requestContext.stage,
      time: new Date(v1.requestContext.requestTimeEpoch).toUTCString(),
      timeEpoch: v1.requestContext.requestTimeEpoch,
    },
  };
}

async function runtimeOf(option: RecordRequestOptions<never>['runtime']): Promise<Runtime> {
  if (option === undefined) return runtimeFromEnvironment();
  return typeof option === 'function' ? option() : option;
}

/**
 * Records a request to your own API Gateway Lambda exactly as edgeprint's redirect page records
 * its own: bot and GPC verdict, session (cookie or cookieless), request fingerprint, the debounced
 * record and the unique-session hit for the request URL, the forwarded event; then links the
 * session when `options.userId` names a user. Throws a ServiceUnavailableError when the table
 * cannot be written (the `fingerprint()` middleware catches it, so your handler still runs).
 * @example
 * const recorded = await recordRequest(event, { userId: (e) => e.requestContext.authorizer?.jwt?.claims.sub as string | undefined })
 * return { statusCode: 200, cookies: [...recorded.cookies], body: 'ok' }
 */
export async function recordRequest<E extends ApiGatewayEvent = APIGatewayProxyEventV2>(event: E, options: RecordRequestOptions<E> = {}): Promise<RecordedRequest> {
  const runtime = await runtimeOf(options.runtime);
  const request = toHttpRequest(asV2(event), runtime.config);
  const visit = await beginVisit(request, runtime);
  if (visit.verdict.drop !== undefined) {
    runtime.drops.count(visit.verdict.drop, 'fingerprint');
    return { recorded: false, reason: visit.verdict.drop, hitCounted: false, cookies: [] };
  }
  const record = requestRecordOf(visit, request.url);
  const outcome = await recordVisit(runtime.store, {
    record,
    sessionIsNew: visit.sessionIsNew,
    firstTouch: firstTouch(request.url, request.headers.referer),
    debounceSeconds: runtime.config.debounceSeconds,
    gate: { url: request.url, kind: 'request', countHit: options.countHit ?? true },
  });
  settleVisit(runtime, request, outcome, 'fingerprint');
  const link = await linkUser(runtime, event, options, visit.sessionId, outcome.recorded ? outcome.session : 'unknown', request.requestId);
  return {
    recorded: outcome.recorded,
    reason: outcome.recorded ? undefined : outcome.reason,
    sessionId: visit.sessionId,
    fingerprint: visit.fingerprint,
    hitCounted: outcome.recorded && outcome.hitCounted,
    cookies: visit.cookies,
    ...(link === undefined ? {} : { link }),
  };
}

async function linkUser<E extends ApiGatewayEvent>(
  runtime: Runtime,
  event: E,
  options: RecordRequestOptions<E>,
  sessionId: string,
  known: SessionInfo | undefined | 'unknown',
  requestId: string,
): Promise<RecordedRequest['link']> {
  const userId = await options.userId?.(event);
  if (userId === undefined) return undefined;
  if (!isUserId(userId)) {
    runtime.logger.warn('userId() returned an id that is not a valid user id; the session is not linked', { requestId });
    return undefined;
  }
  // A debounced repeat did not read the session: one read (0.5 units) is cheaper than a failed conditional write.
  const session = known === 'unknown' ? await runtime.store.getSession(sessionId) : known;
  if (session?.userId === userId) return 'already-linked';
  try {
    const result = await runtime.users.linkSession({ userId, sessionId, now: runtime.now() });
    if (result === 'linked') {
      await runtime.users.indexSessionDevices(userId, sessionId).catch((error: unknown) => {
        runtime.logger.error('device index failed after a link', { requestId, error: error as Error });
      });
    }
    return result;
  } catch (error) {
    if (error instanceof ConflictError) return 'conflict';
    throw error;
  }
}
