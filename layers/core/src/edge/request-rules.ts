import type { EdgeRules } from './edge-config';

/** Why a request is passed through without a fingerprint (stripped of spoofed headers all the same). */
export type SkipReason = 'method' | 'excluded-path' | 'not-included' | 'asset' | 'not-navigation' | 'prefetch';

export type Selection = { readonly selected: true } | { readonly selected: false; readonly reason: SkipReason };

/** The parts of a request the rules look at; header names lower-case. */
export interface RuleInput {
  readonly method: string;
  /** The path as sent (percent-encoded, no query string). */
  readonly uri: string;
  readonly headers: Readonly<Record<string, string | undefined>>;
}

/** Extensions of files that are never a page, whatever the request says. */
const ASSET_EXTENSIONS = new Set([
  'js', 'mjs', 'cjs', 'css', 'map', 'json', 'xml', 'txt', 'csv', 'wasm', 'pdf', 'zip', 'gz', 'br', 'zst',
  'png', 'jpg', 'jpeg', 'gif', 'webp', 'avif', 'svg', 'ico', 'bmp', 'tif', 'tiff', 'heic',
  'woff', 'woff2', 'ttf', 'otf', 'eot',
  'mp4', 'webm', 'm4v', 'mov', 'mp3', 'm4a', 'wav', 'ogg', 'oga', 'flac', 'm3u8', 'ts', 'vtt',
  'webmanifest', 'rss', 'atom',
]);

/**
 * The path rules compare: percent-decoded (where it decodes), repeated slashes collapsed and
 * lower-cased, so `/%41dmin` and `//Admin/` cannot slip past an `/admin` exclusion.
 */
export function comparablePath(uri: string): string {
  let path = uri;
  try {
    path = decodeURIComponent(uri);
  } catch {
    // Malformed escapes: compare the raw path.
  }
  return path.replace(/\/{2,}/g, '/').toLowerCase();
}

/**
 * `/admin` matches `/admin`, `/admin/` and `/admin/users`, not `/administrator`; a prefix ending in
 * `/` matches what starts with it.
 */
export function matchesPrefix(path: string, prefix: string): boolean {
  const wanted = prefix.toLowerCase();
  if (wanted.endsWith('/')) return path.startsWith(wanted);
  return path === wanted || path.startsWith(`${wanted}/`);
}

function isAsset(path: string): boolean {
  const name = path.slice(path.lastIndexOf('/') + 1);
  const dot = name.lastIndexOf('.');
  return dot > 0 && ASSET_EXTENSIONS.has(name.slice(dot + 1));
}

/** A speculative load (prefetch, prerender) is not a view, even with `Sec-Fetch-Dest: document`. */
function isSpeculative(headers: RuleInput['headers']): boolean {
  const purpose = `${headers['sec-purpose'] ?? ''} ${headers.purpose ?? ''} ${headers['x-moz'] ?? ''}`.toLowerCase();
  return purpose.includes('prefetch') || purpose.includes('prerender');
}

/**
 * A top-level document navigation: `Sec-Fetch-Dest: document`, or, from browsers that do not send
 * fetch metadata, an Accept header that asks for HTML.
 */
export function isNavigation(headers: RuleInput['headers']): boolean {
  const dest = headers['sec-fetch-dest']?.trim().toLowerCase();
  if (dest !== undefined && dest.length > 0) return dest === 'document';
  return (headers.accept ?? '').toLowerCase().includes('text/html');
}

/**
 * Whether the edge fingerprints this request and the ingest Lambda records it. Only GET requests;
 * exclusions before inclusions; never static assets; navigations only unless configured otherwise.
 * @example selectRequest({ method: 'GET', uri: '/admin/users', headers }, rules) // { selected: false, reason: 'excluded-path' }
 */
export function selectRequest(input: RuleInput, rules: EdgeRules): Selection {
  if (input.method.toUpperCase() !== 'GET') return { selected: false, reason: 'method' };
  const path = comparablePath(input.uri);
  if (rules.excludePrefixes.some((prefix) => matchesPrefix(path, prefix))) return { selected: false, reason: 'excluded-path' };
  if (rules.includePrefixes.length > 0 && !rules.includePrefixes.some((prefix) => matchesPrefix(path, prefix))) {
    return { selected: false, reason: 'not-included' };
  }
  if (isAsset(path)) return { selected: false, reason: 'asset' };
  if (rules.navigationOnly) {
    if (!isNavigation(input.headers)) return { selected: false, reason: 'not-navigation' };
    if (isSpeculative(input.headers)) return { selected: false, reason: 'prefetch' };
  }
  return { selected: true };
}
