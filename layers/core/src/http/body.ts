import { InvalidPayloadError, PayloadTooLargeError, UnsupportedMediaTypeError } from '../errors';
import type { HttpRequest } from './request';

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const MAX_DEPTH = 4;

export type BodyFormat = 'json' | 'form';

function findForbiddenKey(value: unknown, depth: number): string | undefined {
  if (depth > MAX_DEPTH) return '(nesting too deep)';
  if (value === null || typeof value !== 'object') return undefined;
  for (const key of Object.keys(value)) {
    if (FORBIDDEN_KEYS.has(key)) return key;
    const nested = findForbiddenKey((value as Record<string, unknown>)[key], depth + 1);
    if (nested !== undefined) return nested;
  }
  return undefined;
}

/**
 * Parses a JSON, `text/plain` JSON (what `navigator.sendBeacon` sends) or form-encoded body into
 * a plain object, after the size check. Prototype-polluting keys are refused, not dropped.
 * @example const { fields, format } = parseBody(request, 16384)
 */
export function parseBody(request: HttpRequest, maxBytes: number): { fields: Record<string, unknown>; format: BodyFormat } {
  const raw = request.rawBody ?? Buffer.alloc(0);
  if (raw.length > maxBytes) throw new PayloadTooLargeError(maxBytes);
  const contentType = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  const text = raw.toString('utf8');
  let fields: unknown;
  let format: BodyFormat;
  if (contentType === 'application/x-www-form-urlencoded') {
    format = 'form';
    const params = new URLSearchParams(text);
    const entries: [string, string][] = [];
    const seen = new Set<string>();
    for (const [key, value] of params) {
      if (seen.has(key)) continue; // the first value of a repeated field wins
      seen.add(key);
      entries.push([key, value]);
    }
    fields = Object.fromEntries(entries);
  } else if (contentType === 'application/json' || contentType === 'text/plain' || contentType === '') {
    format = 'json';
    if (text.trim().length === 0) throw new InvalidPayloadError('Request body is empty', { body: ['Required'] });
    try {
      fields = JSON.parse(text);
    } catch {
      throw new InvalidPayloadError('Request body is not valid JSON', { body: ['Must be a JSON object'] });
    }
  } else {
    throw new UnsupportedMediaTypeError(contentType);
  }
  if (fields === null || typeof fields !== 'object' || Array.isArray(fields)) {
    throw new InvalidPayloadError('Request body must be an object', { body: ['Must be a JSON object'] });
  }
  const forbidden = findForbiddenKey(fields, 0);
  if (forbidden !== undefined) {
    throw new InvalidPayloadError('Request body has a forbidden key', { [forbidden === '(nesting too deep)' ? 'body' : forbidden]: ['Not allowed'] });
  }
  return { fields: fields as Record<string, unknown>, format };
}
