import { requireApiKey } from '../auth/api-key';
import { describeUserAgent } from '../domain/user-agent';
import { isSessionId } from '../domain/session-id';
import { isUserId, USER_ID_RULE } from '../domain/user-id';
import type { HttpRequest } from '../http/request';
import { decodeCursor, encodeCursor, pageLimit } from '../http/pagination';
import { pathParameter } from '../http/path-params';
import { jsonResponse, type HttpResponse } from '../http/responses';
import type { UserRuntime } from '../runtime';

export const USER_SESSIONS_ROUTE = '/v1/users/{userId}/sessions';
export const USER_DEVICES_ROUTE = '/v1/users/{userId}/devices';

const DEVICE_POSITION = /^(browser|request)#[A-Za-z0-9_-]{1,64}$/;

/**
 * `GET /v1/users/{userId}/sessions?limit=&cursor=`: the sessions linked to a user, one gsi1 Query
 * per page (API key). `cursor` is present while there may be more.
 */
export async function userSessions(request: HttpRequest, runtime: UserRuntime): Promise<HttpResponse> {
  requireApiKey(request.headers, runtime.config.apiKey);
  const userId = pathParameter(request.path, USER_SESSIONS_ROUTE, 'userId', isUserId, USER_ID_RULE);
  const limit = pageLimit(request.query.get('limit'));
  const after = decodeCursor(request.query.get('cursor'), isSessionId);
  const page = await runtime.users.listSessions(userId, { limit, after });
  return jsonResponse(200, {
    userId,
    sessions: page.items.map((session) => ({ ...session, ...describeUserAgent(session.userAgent) })),
    ...(page.last === undefined ? {} : { cursor: encodeCursor(page.last) }),
  });
}

/**
 * `GET /v1/users/{userId}/devices?limit=&cursor=`: the distinct browser visitorIds and request
 * fingerprints seen in the user's sessions, with first/last seen, browser, OS, device type and
 * country. One Query per page over the user's device items (API key).
 */
export async function userDevices(request: HttpRequest, runtime: UserRuntime): Promise<HttpResponse> {
  requireApiKey(request.headers, runtime.config.apiKey);
  const userId = pathParameter(request.path, USER_DEVICES_ROUTE, 'userId', isUserId, USER_ID_RULE);
  const limit = pageLimit(request.query.get('limit'));
  const after = decodeCursor(request.query.get('cursor'), (position) => DEVICE_POSITION.test(position));
  const page = await runtime.users.listDevices(userId, { limit, after });
  return jsonResponse(200, {
    userId,
    devices: page.items.map((device) => ({ ...device, ...describeUserAgent(device.userAgent) })),
    ...(page.last === undefined ? {} : { cursor: encodeCursor(page.last) }),
  });
}
