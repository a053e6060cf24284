export type RedirectDecision =
  | { readonly ok: true; readonly target: string }
  | { readonly ok: false; readonly reason: string };

export const MAX_REDIRECT_LENGTH = 2048;

function hostKey(url: URL): string {
  // URL drops default ports, so `host` is `name` or `name:port` exactly as configured hosts are written.
  return url.host.toLowerCase();
}

/**
 * Decides where the redirect page may send a browser.
 *
 * Invariant: the result is either a rejection or an absolute http(s) URL whose origin is the
 * request origin or an allowed host. The absolute, parser-normalised `href` is returned so the
 * browser resolves exactly what was checked (no `\`, control characters or scheme-relative tricks survive).
 * @example resolveRedirectTarget('/p?a=1', 'https://site.example', []) // { ok: true, target: 'https://site.example/p?a=1' }
 */
export function resolveRedirectTarget(
  next: string | undefined,
  requestOrigin: string,
  allowedHosts: readonly string[],
): RedirectDecision {
  if (next === undefined) return { ok: true, target: new URL('/', requestOrigin).href };
  if (next.length === 0) return { ok: false, reason: 'next must not be empty' };
  if (next.length > MAX_REDIRECT_LENGTH) return { ok: false, reason: `next must be at most ${MAX_REDIRECT_LENGTH} characters` };
  // Browsers read `\` as `/` and drop tabs and newlines; refuse rather than guess how each one parses them.
  if (/[\u0000-\u001f\u007f\\]/.test(next)) return { ok: false, reason: 'next contains control characters or backslashes' };
  let resolved: URL;
  try {
    resolved = new URL(next, requestOrigin);
  } catch {
    return { ok: false, reason: 'next is not a valid URL' };
  }
  if (resolved.protocol !== 'http:' && resolved.protocol !== 'https:') {
    return { ok: false, reason: 'next must be an http or https URL' };
  }
  if (resolved.username !== '' || resolved.password !== '') {
    return { ok: false, reason: 'next must not carry credentials' };
  }
  const sameOrigin = resolved.origin === new URL(requestOrigin).origin;
  if (!sameOrigin && !allowedHosts.includes(hostKey(resolved))) {
    return { ok: false, reason: 'next points to a host that is not allowed' };
  }
  return { ok: true, target: resolved.href };
}
