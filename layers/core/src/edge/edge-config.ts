import { ConfigError } from '../errors';

/**
 * `cookie`: the session is the `ep_sid` cookie when the viewer has one. `cookieless`: cookies are
 * never read; the session is a keyed hash of a daily salt, the site, the IP and the user agent.
 */
export type PrivacyMode = 'cookie' | 'cookieless';

/** Which requests the edge fingerprints and records; shared by the edge function and the ingest Lambda. */
export interface EdgeRules {
  /** Names the site in the cookieless session hash, so one visitor gets different ids on two sites. */
  readonly siteId: string;
  readonly privacyMode: PrivacyMode;
  /** Path prefixes to fingerprint; empty means every path. Matched per path segment, case-insensitively. */
  readonly includePrefixes: readonly string[];
  /** Path prefixes never fingerprinted (checked before includes). */
  readonly excludePrefixes: readonly string[];
  /** Only top-level document navigations (`Sec-Fetch-Dest: document`, or an HTML Accept without it). */
  readonly navigationOnly: boolean;
}

/** What the Lambda@Edge function is built with: the rules plus the key of the fingerprint hash. */
export interface EdgeConfig extends EdgeRules {
  /** The same secret as the regional API's `EDGEPRINT_SECRET`, so ids match across both. Never logged. */
  readonly secret: string;
}

/** Admin pages and feeds (the seeds excluded both) and the API's own first-party prefix. */
export const DEFAULT_EXCLUDE_PREFIXES: readonly string[] = ['/admin', '/feed', '/_ep'];

export const DEFAULT_EDGE_RULES: EdgeRules = Object.freeze({
  siteId: 'default',
  privacyMode: 'cookie',
  includePrefixes: Object.freeze([]),
  excludePrefixes: DEFAULT_EXCLUDE_PREFIXES,
  navigationOnly: true,
});

/** The global constant esbuild's `define` replaces with the baked configuration. */
export const EDGE_CONFIG_GLOBAL = '__EDGEPRINT_EDGE_CONFIG__';

const MAX_PREFIXES = 50;
const SITE_ID = /^[A-Za-z0-9._:-]{1,100}$/;

function prefixList(value: unknown, name: string, fallback: readonly string[], problems: string[]): readonly string[] {
  if (value === undefined) return fallback;
  if (!Array.isArray(value) || value.length > MAX_PREFIXES) {
    problems.push(`${name} must be a list of at most ${MAX_PREFIXES} path prefixes`);
    return fallback;
  }
  const bad = value.filter((item) => typeof item !== 'string' || !item.startsWith('/') || item.length > 200);
  if (bad.length > 0) problems.push(`${name} entries must be paths starting with "/" of at most 200 characters`);
  return Object.freeze(value.filter((item): item is string => typeof item === 'string'));
}

function readRules(raw: Record<string, unknown>, problems: string[]): EdgeRules {
  const { siteId = DEFAULT_EDGE_RULES.siteId, privacyMode = DEFAULT_EDGE_RULES.privacyMode, navigationOnly = true } = raw;
  if (typeof siteId !== 'string' || !SITE_ID.test(siteId)) problems.push('siteId must be 1 to 100 characters of [A-Za-z0-9._:-]');
  if (privacyMode !== 'cookie' && privacyMode !== 'cookieless') problems.push('privacyMode must be "cookie" or "cookieless"');
  if (typeof navigationOnly !== 'boolean') problems.push('navigationOnly must be true or false');
  return {
    siteId: String(siteId),
    privacyMode: privacyMode as PrivacyMode,
    includePrefixes: prefixList(raw.includePrefixes, 'includePrefixes', DEFAULT_EDGE_RULES.includePrefixes, problems),
    excludePrefixes: prefixList(raw.excludePrefixes, 'excludePrefixes', DEFAULT_EDGE_RULES.excludePrefixes, problems),
    navigationOnly: navigationOnly === true,
  };
}

function asObject(raw: unknown, what: string): Record<string, unknown> {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new ConfigError(`Invalid ${what}: expected an object`);
  return raw as Record<string, unknown>;
}

/**
 * Validates edge rules (everything but the secret); absent fields take the defaults.
 * @example parseEdgeRules({ privacyMode: 'cookieless', siteId: 'shop' })
 */
export function parseEdgeRules(raw: unknown): EdgeRules {
  const problems: string[] = [];
  const rules = readRules(asObject(raw, 'edge rules'), problems);
  if (problems.length > 0) throw new ConfigError(`Invalid edge rules: ${problems.join('; ')}`);
  return Object.freeze(rules);
}

/**
 * Validates a whole edge configuration, collecting every problem into one ConfigError.
 * @example parseEdgeConfig({ secret: process.env.EDGEPRINT_SECRET, siteId: 'shop' })
 */
export function parseEdgeConfig(raw: unknown): EdgeConfig {
  const object = asObject(raw, 'edge configuration');
  const problems: string[] = [];
  const rules = readRules(object, problems);
  const { secret } = object;
  if (typeof secret !== 'string' || secret.length < 16) problems.push('secret must be a string of at least 16 characters');
  if (problems.length > 0) throw new ConfigError(`Invalid edge configuration: ${problems.join('; ')}`);
  return Object.freeze({ ...rules, secret: secret as string });
}

/**
 * The esbuild `define` entry that bakes a configuration into the edge bundle (Lambda@Edge has no
 * environment variables). Validates first, so a bad configuration fails the build, not the site.
 * @example buildSync({ …, define: edgeConfigDefine({ secret, siteId: 'shop' }) })
 */
export function edgeConfigDefine(config: unknown): Record<string, string> {
  return { [EDGE_CONFIG_GLOBAL]: JSON.stringify(parseEdgeConfig(config)) };
}

/** The edge rules of a full configuration, for the ingest Lambda's environment (no secret in it). */
export function edgeRulesOf(config: EdgeRules): EdgeRules {
  const { siteId, privacyMode, includePrefixes, excludePrefixes, navigationOnly } = config;
  return { siteId, privacyMode, includePrefixes, excludePrefixes, navigationOnly };
}
