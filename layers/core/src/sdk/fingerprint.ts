import type middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { recordRequest, type ApiGatewayEvent, type RecordedRequest, type RecordRequestOptions } from './record-request';

export interface FingerprintOptions<E extends ApiGatewayEvent> extends RecordRequestOptions<E> {
  /**
   * Called when recording failed (the table was unavailable, say). The handler runs anyway: a
   * broken fingerprinter must never break your endpoint.
   * @default logs one JSON line to stderr
   */
  readonly onError?: (error: unknown) => void;
}

/** The Lambda context after `fingerprint()` ran: `context.edgeprint` is what was recorded (absent when recording failed). */
export type FingerprintContext = Context & { edgeprint?: RecordedRequest };

function defaultOnError(error: unknown): void {
  console.error(JSON.stringify({ level: 'ERROR', message: 'edgeprint fingerprint() could not record the request', error: String(error) }));
}

/** Adds `Set-Cookie` values to a payload-2.0 (`cookies`) or 1.0 (`multiValueHeaders`) result. */
function withCookies(event: ApiGatewayEvent, response: unknown, cookies: readonly string[]): unknown {
  if (cookies.length === 0 || response === undefined || response === null) return response;
  const v2 = 'version' in event && event.version === '2.0';
  // HTTP APIs accept a bare string or object as a 200 JSON body: keep that meaning, add the cookie.
  const result: Record<string, unknown> | undefined =
    typeof response === 'object' && 'statusCode' in (response as object)
      ? { ...(response as Record<string, unknown>) }
      : v2
        ? { statusCode: 200, headers: { 'content-type': 'application/json' }, body: typeof response === 'string' ? response : JSON.stringify(response) }
        : undefined;
  if (result === undefined) return response;
  if (v2) result.cookies = [...((result.cookies as string[] | undefined) ?? []), ...cookies];
  else {
    const multi = { ...((result.multiValueHeaders as Record<string, unknown[]> | undefined) ?? {}) };
    multi['Set-Cookie'] = [...(multi['Set-Cookie'] ?? []), ...cookies];
    result.multiValueHeaders = multi;
  }
  return result;
}

/**
 * The `@fingerprint` decorator of the seed app for any API Gateway Lambda, as a middy middleware:
 * before your handler it runs `recordRequest()` (request fingerprint, hit, session link when
 * `userId` names a user) and puts the result on `context.edgeprint`; after it, it adds the session
 * cookie of a new session to your response. Recording failures never fail your handler (`onError`).
 * @example
 * export const handler = middy(async (event, context: FingerprintContext) => ({ statusCode: 200, body: context.edgeprint?.sessionId ?? '' }))
 *   .use(fingerprint({ userId: (event) => event.requestContext.authorizer?.jwt?.claims.sub as string | undefined }))
 */
export function fingerprint<E extends ApiGatewayEvent = ApiGatewayEvent>(options: FingerprintOptions<E> = {}): middy.MiddlewareObj<E, unknown, Error, Context> {
  const onError = options.onError ?? defaultOnError;
  const recorded = new WeakMap<object, RecordedRequest>();
  return {
    before: async (request) => {
      try {
        const result = await recordRequest(request.event, options);
        recorded.set(request.event, result);
        (request.context as FingerprintContext).edgeprint = result;
      } catch (error) {
        onError(error);
      }
    },
    after: (request) => {
      const result = recorded.get(request.event);
      if (result !== undefined) request.response = withCookies(request.event, request.response, result.cookies);
    },
  };
}
