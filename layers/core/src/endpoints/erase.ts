import { requireApiKey } from '../auth/api-key';
import { isSessionId } from '../domain/session-id';
import { isUserId, USER_ID_RULE } from '../domain/user-id';
import type { HttpRequest } from '../http/request';
import { pathParameter } from '../http/path-params';
import { jsonResponse, type HttpResponse } from '../http/responses';
import type { UserRuntime } from '../runtime';

export const ERASE_USER_ROUTE = '/v1/users/{userId}';
export const ERASE_SESSION_ROUTE = '/v1/sessions/{sessionId}';

/**
 * `DELETE /v1/users/{userId}` (GDPR art. 17, API key): removes every stored item of the user and
 * answers the counts per item type. Repeatable: a second call answers zeros.
 */
export async function eraseUserEndpoint(request: HttpRequest, runtime: UserRuntime): Promise<HttpResponse> {
  requireApiKey(request.headers, runtime.config.apiKey);
  const userId = pathParameter(request.path, ERASE_USER_ROUTE, 'userId', isUserId, USER_ID_RULE);
  const removed = await runtime.users.eraseUser(userId);
  runtime.logger.info('user erased', { requestId: request.requestId, removed });
  return jsonResponse(200, { userId, removed });
}

/** `DELETE /v1/sessions/{sessionId}` (API key): removes every stored item of one session; repeatable. */
export async function eraseSessionEndpoint(request: HttpRequest, runtime: UserRuntime): Promise<HttpResponse> {
  requireApiKey(request.headers, runtime.config.apiKey);
  const sessionId = pathParameter(request.path, ERASE_SESSION_ROUTE, 'sessionId', isSessionId, 'Must be a session id (22 characters of A-Z, a-z, 0-9, _ or -)');
  const removed = await runtime.users.eraseSession(sessionId);
  runtime.logger.info('session erased', { requestId: request.requestId, removed });
  return jsonResponse(200, { sessionId, removed });
}
