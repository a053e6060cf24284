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
