import { storedIp } from '../domain/ip';
import { InvalidPayloadError } from '../errors';
import { parseBody } from '../http/body';
import { SESSION_COOKIE } from '../http/cookies';
import type { HttpRequest } from '../http/request';
import { noContent, type HttpResponse } from '../http/responses';
import { activitySchema, validate } from '../http/schemas';
import { isSessionId } from '../domain/session-id';
import type { Runtime } from '../runtime';
import type { ActivityRecord } from '../domain/records';
import { requestFacts } from '../http/request-facts';
import { bearerToken } from '../auth/bearer-token';
import { assignSession } from '../http/visit';

function refererPath(referer: string | undefined): string | undefined {
  if (referer === undefined) return undefined;
  try {
    return new URL(referer).pathname.slice(0, 1000);
  } catch {
    return undefined;
  }
}

/** The session of an activity row: the `ep_sid` cookie, or in cookieless mode the derived id. Never minted here. */
async function activitySession(request: HttpRequest, runtime: Runtime): Promise<string | undefined> {
  if (runtime.config.privacyMode === 'cookieless') return (await assignSession(request, runtime)).sessionId;
  const cookie = request.cookies.get(SESSION_COOKIE);
  return isSessionId(cookie) ? cookie : undefined;
}

/**
 * `POST /v1/activity`: djaffar's activity log. User, session, IP and user agent come from the request
 * (cookie, trusted context, headers), never from the body. With `Authorization: Bearer <JWT>` the
 * verified token's `sub` is the user; an invalid token is a 401 that does not say what failed.
 */
export async function logActivity(request: HttpRequest, runtime: Runtime): Promise<HttpResponse> {
  // A bearer token is checked first: an invalid one is a 401 whatever the body says.
  const token = bearerToken(request.headers.authorization);
  const tokenUser = token === undefined ? undefined : await runtime.tokens.verify(token);
  const { fields } = parseBody(request, runtime.config.maxBodyBytes);
  const input = validate(activitySchema, fields);
  const path = input.path ?? refererPath(request.headers.referer);
  if (path === undefined || path.length === 0) {
    throw new InvalidPayloadError('Invalid request', { path: ['This field is required (or send a Referer header).'] });
  }
  const sessionId = await activitySession(request, runtime);
  const session = sessionId === undefined ? undefined : await runtime.store.getSession(sessionId);
  const activity: ActivityRecord = {
    eventId: runtime.newEventId(),
    at: runtime.now(),
    date: input.date,
    path,
    referer: input.referer,
    sessionId,
    userId: tokenUser ?? session?.userId,
    ip: storedIp(request.clientIp, runtime.config.ipMode),
    userAgent: request.headers['user-agent']?.slice(0, 512),
    ...requestFacts(request),
  };
  // The stored row is the event: the table's change stream carries it to the forwarder.
  await runtime.store.putActivity(activity);
  return noContent();
}
