import { randomBytes } from 'node:crypto';

const SESSION_ID = /^[A-Za-z0-9_-]{22}$/;

/** A random 128-bit session id, base64url (22 characters). */
export function newSessionId(): string {
  return randomBytes(16).toString('base64url');
}

/** Cookie values that are not our format are treated as absent, never stored. */
export function isSessionId(value: string | undefined): value is string {
  return value !== undefined && SESSION_ID.test(value);
}
