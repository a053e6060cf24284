import { createHash, timingSafeEqual } from 'node:crypto';
import { UnauthorizedError } from '../errors';

const MAX_KEY_LENGTH = 512;

/**
 * The API key a server sent: `Authorization: Bearer <key>` or `X-Api-Key: <key>`. Undefined when
 * neither is there (or the value is implausibly long).
 * @example apiKeyFrom({ authorization: 'Bearer s3cr3t…' }) // 's3cr3t…'
 */
export function apiKeyFrom(headers: Readonly<Record<string, string | undefined>>): string | undefined {
  const authorization = headers.authorization?.trim();
  const match = authorization === undefined ? null : /^bearer[ \t]+(\S+)$/i.exec(authorization);
  const key = match?.[1] ?? headers['x-api-key']?.trim();
  return key === undefined || key.length === 0 || key.length > MAX_KEY_LENGTH ? undefined : key;
}

const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/**
 * Refuses the request unless it carries the configured API key. The comparison is constant-time
 * (timingSafeEqual over SHA-256 digests, which always have equal length), and every failure (no key
 * configured, none sent, a wrong one) raises the same UnauthorizedError.
 * @example requireApiKey(request.headers, runtime.config.apiKey)
 */
export function requireApiKey(headers: Readonly<Record<string, string | undefined>>, expected: string | undefined): void {
  const given = apiKeyFrom(headers);
  // Both digests are always computed, so a missing key takes as long as a wrong one.
  const matches = timingSafeEqual(digest(given ?? ''), digest(expected ?? '\u0000unset'));
  if (given === undefined || expected === undefined || !matches) throw new UnauthorizedError();
}
