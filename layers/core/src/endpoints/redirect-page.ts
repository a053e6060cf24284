import { createHash } from 'node:crypto';

/** Escapes text for HTML element content and double-quoted attributes. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/**
 * A JavaScript string literal that is safe inside an inline `<script>`: JSON escaping plus `<`, `>`,
 * `&` and the line separators as `\u` escapes, so `</script>` or `<!--` in the value cannot end the script.
 * @example jsString('/p?a=1&b=2') // '"/p?a=1\\u0026b=2"' (evaluates to /p?a=1&b=2)
 */
export function jsString(value: string): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export interface RedirectPage {
  readonly html: string;
  readonly contentSecurityPolicy: string;
}

/** How long the page waits for the fingerprint report before leaving anyway. */
export const REPORT_TIMEOUT_MS = 1500;

/**
 * The redirect page: a meta-refresh fallback (3 s, works without JavaScript) and one inline script
 * that reports the browser fingerprint through the snippet, then `location.replace`s the target.
 * The CSP allows exactly that inline script (by hash) and same-origin scripts (the snippet, at
 * `snippetPath` on whatever origin the browser reached the page at).
 * @example renderRedirectPage('https://shop.example/a', '/_ep/v1/snippet.js').html
 */
export function renderRedirectPage(target: string, snippetPath: string): RedirectPage {
  const script =
    `(function(){var t=${jsString(target)},d=0;function go(){if(!d){d=1;location.replace(t)}}` +
    `setTimeout(go,${REPORT_TIMEOUT_MS});` +
    'try{var e=window.edgeprint;if(!e||!e.report){go();return}' +
    'e.report({event:"redirect",endpoint:location.pathname}).then(go,go)}catch(x){go()}})();';
  const hash = createHash('sha256').update(script).digest('base64');
  const escaped = escapeHtml(target);
  const html =
    '<!doctype html><html lang="en"><head><meta charset="utf-8">' +
    `<meta http-equiv="refresh" content="3;url=${escaped}">` +
    '<meta name="viewport" content="width=device-width,initial-scale=1">' +
    '<meta name="robots" content="noindex">' +
    '<title>Redirecting…</title></head><body>' +
    `<p>Redirecting to <a href="${escaped}">${escaped}</a>…</p>` +
    `<script src="${escapeHtml(snippetPath)}"></script>` +
    `<script>${script}</script></body></html>`;
  const contentSecurityPolicy = [
    "default-src 'none'",
    // The snippet is the page's own origin's (`snippetPath` is root-relative): 'self' is exactly that,
    // on the API's host and behind the distribution alike.
    `script-src 'sha256-${hash}' 'self'`,
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
  return { html, contentSecurityPolicy };
}
