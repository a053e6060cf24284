import { requireApiKey } from '../auth/api-key';
import { isSessionId } from '../domain/session-id';
import { InvalidPayloadError } from '../errors';
import { parseBody } from '../http/body';
import { SESSION_COOKIE } from '../http/cookies';
import type { HttpRequest } from '../http/request';
import { jsonResponse, type HttpResponse } from '../http/responses';
import { linkSchema, validate } from '../http/schemas';
import type { UserRuntime } from '../runtime';

/**
 * `POST /v1/sessions/link`: a site's backend says which user a session belongs to (the seed's login
 * signal). API key required. Body `{ userId, sessionId?, force? }`, the session from the `ep_sid`
 * cookie when absent. Idempotent; 409 when the session is another user's, unless `force`. A new link
 * also brings the user's device items up to date with what the session recorded so far.
 */
export async function linkSessionEndpoint(request: HttpRequest, runtime: UserRuntime): Promise<HttpResponse> {
  requireApiKey(request.headers, runtime.config.apiKey);
  const { fields } = parseBody(request, runtime.config.maxBodyBytes);
  const input = validate(linkSchema, fields);
  const cookie = runtime.config.privacyMode === 'cookie' ? request.cookies.get(SESSION_COOKIE) : undefined;
  const sessionId = input.sessionId ?? (isSessionId(cookie) ? cookie : undefined);
  if (sessionId === undefined) {
    throw new InvalidPayloadError('Invalid request', { sessionId: ['Required (or send the ep_sid cookie)'] });
  }
  const result = await runtime.users.linkSession({ userId: input.userId, sessionId, force: input.force, now: runtime.now() });
  let devices: number | undefined;
  if (result === 'linked') {
    try {
      devices = await runtime.users.indexSessionDevices(input.userId, sessionId);
    } catch (error) {
      // The link stands; the device list catches up with the session's next record.
      runtime.logger.error('device index failed after a link', { requestId: request.requestId, error: error as Error });
    }
  }
  return jsonResponse(200, { userId: input.userId, sessionId, result, ...(devices === undefined ? {} : { devices }) });
}
