import { InvalidPayloadError } from '../errors';

export const DEFAULT_PAGE_LIMIT = 50;
export const MAX_PAGE_LIMIT = 100;
const MAX_CURSOR_LENGTH = 600;

/**
 * The opaque cursor handed to clients: base64url of `{"v":1,"a":"<position>"}`. Clients must not
 * build or read it; its content may change.
 * @example encodeCursor('AbCdEfGhIjKlMnOpQrStUv') // 'eyJ2IjoxLCJhIjoi…'
 */
export function encodeCursor(after: string): string {
  return Buffer.from(JSON.stringify({ v: 1, a: after }), 'utf8').toString('base64url');
}

const invalidCursor = () => new InvalidPayloadError('Invalid request', { cursor: ['Must be a cursor returned by the previous page'] });

/**
 * The position a `cursor` query parameter points after; undefined for the first page. Anything that
 * is not a cursor this API made (and whose position passes `valid`) is a 400, never a store error.
 * @example decodeCursor(request.query.get('cursor'), isSessionId)
 */
export function decodeCursor(raw: string | null, valid: (after: string) => boolean): string | undefined {
  if (raw === null) return undefined;
  if (raw.length === 0 || raw.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(raw)) throw invalidCursor();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw invalidCursor();
  const { v, a } = parsed as Record<string, unknown>;
  if (v !== 1 || typeof a !== 'string' || !valid(a)) throw invalidCursor();
  return a;
}

/**
 * The `limit` query parameter: 1 to 100, default 50.
 * @example pageLimit('20') // 20
 */
export function pageLimit(raw: string | null): number {
  if (raw === null) return DEFAULT_PAGE_LIMIT;
  const limit = /^\d{1,3}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(limit >= 1 && limit <= MAX_PAGE_LIMIT)) {
    throw new InvalidPayloadError('Invalid request', { limit: [`Must be an integer from 1 to ${MAX_PAGE_LIMIT}`] });
  }
  return limit;
}
