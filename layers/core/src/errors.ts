/**
 * The one error hierarchy of edgeprint. Adapters translate SDK errors into these;
 * `http/errors-to-response.ts` is the only place that maps them to HTTP.
 * `expose` follows middy: client errors (< 500) may show their message, server errors never do.
 */
export class EdgeprintError extends Error {
  readonly status: number;
  readonly code: string;
  readonly expose: boolean;
  constructor(message: string, options: { status: number; code: string; cause?: unknown }) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
    this.status = options.status;
    this.code = options.code;
    this.expose = options.status < 500;
  }
}

/** Field name to the messages that explain what is wrong with it. */
export type FieldErrors = Record<string, string[]>;

/**
 * The request was understood but its content is invalid.
 * @example throw new InvalidPayloadError('Invalid body', { id: ['Must be 1 to 64 characters'] })
 */
export class InvalidPayloadError extends EdgeprintError {
  readonly fields: FieldErrors;
  constructor(message: string, fields: FieldErrors = {}, code = 'invalid_payload') {
    super(message, { status: 400, code });
    this.fields = fields;
  }
}

export class PayloadTooLargeError extends EdgeprintError {
  constructor(limitBytes: number) {
    super(`Request body exceeds ${limitBytes} bytes`, { status: 413, code: 'payload_too_large' });
  }
}

export class UnsupportedMediaTypeError extends EdgeprintError {
  constructor(contentType: string) {
    super(`Unsupported content type: ${contentType.slice(0, 100)}`, { status: 415, code: 'unsupported_media_type' });
  }
}

export class MethodNotAllowedError extends EdgeprintError {
  readonly allow: readonly string[];
  constructor(method: string, allow: readonly string[]) {
    super(`Method ${method.slice(0, 16)} not allowed`, { status: 405, code: 'method_not_allowed' });
    this.allow = allow;
  }
}

export class ForbiddenOriginError extends EdgeprintError {
  constructor() {
    super('Origin not allowed', { status: 403, code: 'origin_not_allowed' });
  }
}

export class NotFoundError extends EdgeprintError {
  constructor(message = 'Not found') {
    super(message, { status: 404, code: 'not_found' });
  }
}

/**
 * The request conflicts with what is stored: a session already linked to another user.
 * @example throw new ConflictError('Session is linked to another user')
 */
export class ConflictError extends EdgeprintError {
  constructor(message: string) {
    super(message, { status: 409, code: 'conflict' });
  }
}

/**
 * Missing or invalid credentials (API key or bearer token). The message is always the same, so a
 * caller never learns which part failed (signature, expiry, issuer, audience or the key itself).
 */
export class UnauthorizedError extends EdgeprintError {
  constructor(cause?: unknown) {
    super('Authentication failed', { status: 401, code: 'unauthorized', cause });
  }
}

/** A dependency (the table, the queue) failed; the client may retry. */
export class ServiceUnavailableError extends EdgeprintError {
  readonly retryAfterSeconds: number;
  constructor(message: string, cause?: unknown, retryAfterSeconds = 1) {
    super(message, { status: 503, code: 'service_unavailable', cause });
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** Configuration is invalid: raised once at cold start, never per request. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}
