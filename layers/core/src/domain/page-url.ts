import { resolveRedirectTarget } from './redirect-target';

export const MAX_URL_LENGTH = 2048;

/**
 * Normalises an absolute http(s) URL the way browsers do (lower-case host, default port dropped),
 * keeping query, fragment, scheme and trailing slash, which all make a different page.
 * Returns undefined for anything else.
 * @example canonicalPageUrl('HTTPS://Example.com:443/a?b=1') // 'https://example.com/a?b=1'
 */
export function canonicalPageUrl(raw: string | undefined): string | undefined {
  if (raw === undefined || raw.length === 0 || raw.length > MAX_URL_LENGTH) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  if (url.username !== '' || url.password !== '') return undefined;
  return url.href.length > MAX_URL_LENGTH ? undefined : url.href;
}

/**
 * The page a URL lands on, without its fragment: how the snippet reports a landing page unless the
 * page opts into `data-hash`, so the redirect page counts `/a.html#x` as a visit of `/a.html`.
 * @example landingPageUrl('https://site.example/a.html?b=1#x') // 'https://site.example/a.html?b=1'
 */
export function landingPageUrl(url: string): string {
  const index = url.indexOf('#');
  return index < 0 ? url : url.slice(0, index);
}

/** The path of the redirect page on any base path (`/v1/r`, `/_ep/v1/r`). */
const REDIRECT_PAGE_PATH = /(^|\/)v1\/r$/;

/**
 * The landing page a redirect page's own URL sends the browser to (its `next`, resolved and checked
 * as the page itself does, without the fragment), or undefined when `pageUrl` is not a redirect page
 * with an acceptable `next`. The browser report the page posts names the page it was sent from; the
 * record names where the visitor landed.
 * @example redirectLandingOf('https://site.example/_ep/v1/r?next=%2Fa%23x', []) // 'https://site.example/a'
 */
export function redirectLandingOf(pageUrl: string, allowedHosts: readonly string[]): string | undefined {
  let page: URL;
  try {
    page = new URL(pageUrl);
  } catch {
    return undefined;
  }
  if (!REDIRECT_PAGE_PATH.test(page.pathname)) return undefined;
  const next = page.searchParams.has('next') ? (page.searchParams.get('next') ?? '') : undefined;
  const decision = resolveRedirectTarget(next, page.origin, allowedHosts);
  return decision.ok ? landingPageUrl(decision.target) : undefined;
}
