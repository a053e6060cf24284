import type { ForwardEvent } from './event';

/** Why an event was kept from every provider. */
export type PrivacyDropReason = 'gpc' | 'dnt' | 'excluded_path' | 'unsuccessful_status';

export interface PrivacyFilterOptions {
  /** Forward events of visitors who sent `Sec-GPC: 1` to third parties. @default false */
  readonly forwardGpc?: boolean;
  /** Keep events of visitors who sent `DNT: 1` from third parties. @default true */
  readonly honorDnt?: boolean;
  /** Query (and fragment) parameter names removed from `url` and `referrer`, case-insensitive. */
  readonly denyParams?: readonly string[];
  /** Path prefixes never forwarded, matched per segment and case-insensitively (`/admin` covers `/admin/x`, not `/administer`). */
  readonly excludePaths?: readonly string[];
}

export const DEFAULT_DENY_PARAMS: readonly string[] = [
  'token', 'access_token', 'auth', 'password', 'pass', 'pwd', 'email', 'e-mail', 'session', 'sessionid',
  'code', 'key', 'api_key', 'apikey', 'secret', 'sig', 'signature',
];
/** The seeds excluded admin pages and feeds. */
export const DEFAULT_EXCLUDE_PATHS: readonly string[] = ['/admin', '/feed'];

export const REDACTED = 'redacted';
/** Broad on purpose: a whole parameter value or path segment with `x@y.z` in it is redacted. */
const EMAIL = /[^\s@]+@[^\s@]+\.[^\s@]+/;
/** In free text only the address itself is replaced, so the words and punctuation around it stay. */
const EMAIL_IN_TEXT = /[^\s@/?#&=:;,<>"'()[\]]+@[^\s@/?#&=:;,<>"'()[\]]+\.[^\s@/?#&=:;,<>"'()[\]]+/g;

export interface PrivacyFilterResult {
  readonly events: ForwardEvent[];
  readonly dropped: Record<PrivacyDropReason, number>;
  /** Events that were forwarded with something removed or redacted (a parameter, an email). */
  readonly redacted: number;
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

function looksLikeEmail(value: string): boolean {
  return EMAIL.test(safeDecode(value.replace(/\+/g, ' ')));
}

/** Removes denied params and redacts email-like values in a `a=1&b=2` string; returns the new string and whether it changed. */
function filterParams(raw: string, deny: ReadonlySet<string>): [string, boolean] {
  let changed = false;
  const kept: string[] = [];
  for (const pair of raw.split('&')) {
    if (pair.length === 0) continue;
    const eq = pair.indexOf('=');
    const rawName = eq === -1 ? pair : pair.slice(0, eq);
    const name = safeDecode(rawName.replace(/\+/g, ' ')).trim().toLowerCase();
    if (deny.has(name)) {
      changed = true;
      continue;
    }
    const value = eq === -1 ? '' : pair.slice(eq + 1);
    if (looksLikeEmail(value) || (eq === -1 && looksLikeEmail(rawName))) {
      changed = true;
      kept.push(eq === -1 ? REDACTED : `${rawName}=${REDACTED}`);
      continue;
    }
    kept.push(pair);
  }
  return [kept.join('&'), changed];
}

/**
 * Strips denied query and fragment parameters and redacts email addresses in a URL. Undefined when
 * the value is not an absolute http(s) URL (it could then not be cleaned safely).
 * @example cleanUrl('https://a.example/p?token=x&q=1', new Set(['token'])) // ['https://a.example/p?q=1', true]
 */
export function cleanUrl(raw: string, deny: ReadonlySet<string>): [string | undefined, boolean] {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return [undefined, true];
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return [undefined, true];
  let changed = false;
  if (url.username !== '' || url.password !== '') {
    url.username = '';
    url.password = '';
    changed = true;
  }
  const segments = url.pathname.split('/');
  const cleanSegments = segments.map((segment) => (looksLikeEmail(segment) ? REDACTED : segment));
  if (cleanSegments.some((segment, i) => segment !== segments[i])) {
    url.pathname = cleanSegments.join('/');
    changed = true;
  }
  if (url.search.length > 1) {
    const [search, searchChanged] = filterParams(url.search.slice(1), deny);
    if (searchChanged) {
      url.search = search;
      changed = true;
    }
  }
  // Fragments like `#access_token=…` (OAuth implicit flow) carry secrets too; plain `#/route` stays.
  if (url.hash.length > 1 && url.hash.includes('=')) {
    // `#/route?a=1` (SPA routers) keeps its route; `#a=1&b=2` is all parameters.
    const fragment = url.hash.slice(1);
    const split = fragment.indexOf('?');
    const route = split === -1 ? '' : fragment.slice(0, split + 1);
    const [params, hashChanged] = filterParams(split === -1 ? fragment : fragment.slice(split + 1), deny);
    if (hashChanged) {
      url.hash = `${route}${params}`;
      changed = true;
    }
  }
  if (!changed) return [raw, false];
  let result = url.toString();
  if (result.endsWith('?') || result.endsWith('#')) result = result.slice(0, -1);
  return [result, true];
}

function pathOf(event: ForwardEvent): string[] {
  const paths: string[] = [];
  if (event.url !== undefined) {
    try {
      paths.push(new URL(event.url).pathname);
    } catch {
      // an unparseable url is removed later; the path field may still match
    }
  }
  if (event.path !== undefined) paths.push(event.path);
  return paths;
}

/** Segment-aware, case-insensitive prefix match on the decoded path, so `/%61dmin` and `/Admin/` are caught. */
export function isExcludedPath(path: string, prefixes: readonly string[]): boolean {
  const decoded = safeDecode(path).toLowerCase().replace(/\/{2,}/g, '/');
  const normalised = decoded.startsWith('/') ? decoded : `/${decoded}`;
  return prefixes.some((raw) => {
    const prefix = raw.toLowerCase().replace(/\/+$/, '');
    if (prefix === '') return true;
    return normalised === prefix || normalised.startsWith(`${prefix}/`) || normalised.startsWith(`${prefix}?`);
  });
}

function redactText(value: string): [string, boolean] {
  const next = value.replace(EMAIL_IN_TEXT, REDACTED);
  return [next, next !== value];
}

/**
 * Applies the privacy rules before any provider sees the events: drops GPC and DNT visitors (as
 * configured), excluded paths and unsuccessful request-based events, strips denied URL
 * parameters and redacts email addresses in URLs, titles, props and user ids. Pure.
 * @example const { events, dropped } = applyPrivacyFilter(batch, { honorDnt: true })
 */
export function applyPrivacyFilter(events: readonly ForwardEvent[], options: PrivacyFilterOptions = {}): PrivacyFilterResult {
  const forwardGpc = options.forwardGpc ?? false;
  const honorDnt = options.honorDnt ?? true;
  const deny = new Set((options.denyParams ?? DEFAULT_DENY_PARAMS).map((name) => name.toLowerCase()));
  const excluded = options.excludePaths ?? DEFAULT_EXCLUDE_PATHS;
  const dropped: Record<PrivacyDropReason, number> = { gpc: 0, dnt: 0, excluded_path: 0, unsuccessful_status: 0 };
  let redacted = 0;
  const kept: ForwardEvent[] = [];

  for (const event of events) {
    if (event.gpc && !forwardGpc) {
      dropped.gpc += 1;
      continue;
    }
    if (event.dnt && honorDnt) {
      dropped.dnt += 1;
      continue;
    }
    if (event.kind === 'request' && event.status !== undefined && !(event.status >= 200 && event.status < 300)) {
      dropped.unsuccessful_status += 1;
      continue;
    }
    if (pathOf(event).some((path) => isExcludedPath(path, excluded))) {
      dropped.excluded_path += 1;
      continue;
    }

    let changed = false;
    const next: { -readonly [K in keyof ForwardEvent]: ForwardEvent[K] } = { ...event };
    // The request fingerprint is for first-party aggregation (returning devices), never for a third party.
    delete next.requestFingerprint;
    for (const field of ['url', 'referrer'] as const) {
      const value = event[field];
      if (value === undefined) continue;
      const [clean, fieldChanged] = cleanUrl(value, deny);
      if (clean === undefined) delete next[field];
      else next[field] = clean;
      changed ||= fieldChanged;
    }
    if (event.path !== undefined) {
      const [clean, pathChanged] = cleanUrl(`https://path.invalid${event.path.startsWith('/') ? '' : '/'}${event.path}`, deny);
      if (pathChanged) {
        if (clean === undefined) delete next.path;
        else next.path = clean.slice('https://path.invalid'.length);
        changed = true;
      }
    }
    if (event.title !== undefined) {
      const [title, titleChanged] = redactText(event.title);
      next.title = title;
      changed ||= titleChanged;
    }
    if (event.userId !== undefined && looksLikeEmail(event.userId)) {
      // GA4 and Matomo user ids must not be personal data such as an email address.
      delete next.userId;
      changed = true;
    }
    if (event.props !== undefined) {
      const props: [string, string | number | boolean][] = [];
      for (const [key, value] of Object.entries(event.props)) {
        if (deny.has(key.toLowerCase())) {
          changed = true;
          continue;
        }
        if (typeof value === 'string' && looksLikeEmail(value)) {
          props.push([key, REDACTED]);
          changed = true;
          continue;
        }
        props.push([key, value]);
      }
      // fromEntries defines own properties, so a `__proto__` key cannot touch the prototype.
      next.props = Object.fromEntries(props);
    }
    if (changed) redacted += 1;
    kept.push(next);
  }
  return { events: kept, dropped, redacted };
}
