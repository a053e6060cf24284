import { EdgeprintError, InvalidPayloadError, MethodNotAllowedError, ServiceUnavailableError, UnauthorizedError } from '../errors';
import { jsonResponse, type HttpResponse } from './responses';

/** `standard`: `{"error":{code,message,fields}}`; `django`: the activity log's `{"errors":{field:[messages]}}`. */
export type ErrorFormat = 'standard' | 'django';

/**
 * The only place errors become HTTP. Client errors show their message; anything else is a
 * generic 500 whose details stay in the log (with the request id).
 */
export function errorToResponse(error: unknown, format: ErrorFormat): HttpResponse {
  const known = error instanceof EdgeprintError ? error : undefined;
  const status = known?.status ?? 500;
  const headers: Record<string, string> = {};
  if (error instanceof MethodNotAllowedError) headers.allow = error.allow.join(', ');
  if (error instanceof ServiceUnavailableError) headers['retry-after'] = String(error.retryAfterSeconds);
  if (error instanceof UnauthorizedError) headers['www-authenticate'] = 'Bearer';
  const message = known?.expose === true ? known.message : status === 503 ? 'Service temporarily unavailable' : 'Internal error';
  const code = known?.expose === true || status === 503 ? (known?.code ?? 'internal_error') : 'internal_error';
  const fields = error instanceof InvalidPayloadError && Object.keys(error.fields).length > 0 ? error.fields : undefined;
  if (format === 'django') {
    return jsonResponse(status, { errors: fields ?? { __all__: [message] } }, headers);
  }
  return jsonResponse(status, { error: { code, message, ...(fields === undefined ? {} : { fields }) } }, headers);
}
