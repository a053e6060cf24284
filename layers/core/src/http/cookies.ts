export const SESSION_COOKIE = 'ep_sid';

/**
 * The session cookie: HttpOnly, SameSite=Lax, Path=/, Secure on https.
 * @example sessionCookie('AbC…', 30, true) // 'ep_sid=AbC…; Max-Age=2592000; Path=/; HttpOnly; SameSite=Lax; Secure'
 */
export function sessionCookie(sessionId: string, days: number, secure: boolean): string {
  const parts = [`${SESSION_COOKIE}=${sessionId}`, `Max-Age=${days * 86400}`, 'Path=/', 'HttpOnly', 'SameSite=Lax'];
  if (secure) parts.push('Secure');
  return parts.join('; ');
}
