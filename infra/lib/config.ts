import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Construct } from 'constructs';
import type { GpcMode, IpMode, PrivacyMode, Retention } from '../../layers/core/src/config';
import { parseEdgeRules } from '../../layers/core/src/edge/edge-config';

/** Stage throttling of the HTTP API (requests per second, and the burst bucket). */
export interface ThrottlingSettings {
  readonly rateLimit: number;
  readonly burstLimit: number;
}

/**
 * The forwarder's configuration (docs/forwarding.md). Provider secrets never go here: they live in
 * a Secrets Manager secret (`providerSecretsArn`) that the forwarder reads at cold start.
 */
export interface ForwardingSettings {
  /** Plain provider options (`{ "ga4": { "measurementId": "G-…" }, "plausible": { … } }`); empty: nothing is forwarded. */
  readonly providers: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  /** Secret holding `{"ga4":{"apiSecret":"…"},"matomo":{"tokenAuth":"…"},"webhook":{"secret":"…"}}`. */
  readonly providerSecretsArn?: string;
  readonly forwardGpc?: boolean;
  readonly honorDnt?: boolean;
  readonly denyParams?: readonly string[];
  readonly excludePaths?: readonly string[];
  readonly idempotencyWindowSeconds?: number;
  /**
   * Messages the consumer (forwarder and aggregation) takes per batch, and how long Lambda gathers
   * them first. Defaults: FORWARDER_BATCH (1000 / 90 s): under 1 aggregate write unit per event on
   * busy sites, at up to 90 s more lag for `/v1/hits`, the dashboard and the providers. Shorter windows
   * cost more writes per event (docs/benchmarks.md, "Batch size and window").
   */
  readonly batchSize?: number;
  readonly batchWindowSeconds?: number;
}

/**
 * Everything a deployment of edgeprint can be told. The regional functions receive the runtime
 * part as `EDGEPRINT_*` variables (docs/configuration.md); the rest shapes the infrastructure.
 */
export interface EdgeprintSettings {
  /** Region of the regional stack (table, API, queue, functions) and of the edge stack. */
  readonly region: string;
  /** Exact origins (`https://shop.example`) allowed to call the API from a browser. */
  readonly allowedOrigins: readonly string[];
  /** Hosts (`shop.example`, `shop.example:8443`) the redirect page may send browsers to. */
  readonly allowedRedirectHosts: readonly string[];
  /** The site origin when the API is served first-party (relative `next` resolves against it). */
  readonly publicOrigin?: string;
  readonly ipMode: IpMode;
  readonly gpcMode: GpcMode;
  /** Lifetime of the `ep_sid` cookie. */
  readonly cookieDays: number;
  /** TTL of personal items. */
  readonly retentionDays: number;
  readonly debounceSeconds: number;
  /** `Cache-Control: max-age` of `/v1/hits`. */
  readonly hitsMaxAgeSeconds: number;
  /** Retention of every log group (functions, API access logs); a CloudWatch retention value. */
  readonly logRetentionDays: number;
  readonly throttling: ThrottlingSettings;
  /** `retain` keeps the table (with deletion protection), secret and logs on teardown; `destroy` is for dev. */
  readonly removalPolicy: 'retain' | 'destroy';
  /**
   * Take the client IP from `CloudFront-Viewer-Address`. Defaults to true when a distribution
   * fronts the API (otherwise every visitor would have CloudFront's IP); see docs/deploy.md.
   */
  readonly trustCloudFrontViewerAddress: boolean;
  /** Domain name of the user's site (the distribution's default origin). No distribution without it. */
  readonly siteOrigin?: string;
  /** Path under which the distribution serves the API first-party. */
  readonly apiPathPrefix: string;
  /** Custom domain names of the distribution; needs `certificateArn` (ACM, us-east-1). */
  readonly domainNames: readonly string[];
  readonly certificateArn?: string;
  /** A WAF web ACL (CLOUDFRONT scope) to attach to the distribution. */
  readonly webAclArn?: string;
  /** CloudFront standard access logs to an S3 bucket (they hold full viewer IPs; see docs/deploy.md). */
  readonly cloudFrontAccessLogs: boolean;
  readonly forwarding: ForwardingSettings;
  /** `cookieless`: no `ep_sid` cookie; sessions are daily-salted hashes (docs/privacy.md). @default 'cookie' */
  readonly privacyMode?: PrivacyMode;
  /** TTL in days per item type, each 1 to 760 (defaults: 395 for identifiers, 760 for analytics data). */
  readonly retention?: Partial<Retention>;
  /** Include CloudFront's JA4 TLS fingerprint in the request-fingerprint hash (fpv 2). @default false */
  readonly fingerprintJa4?: boolean;
  /** Bearer tokens for the activity log: a JWKS URL and/or a Secrets Manager secret holding an HS256 key. */
  readonly jwt?: JwtSettings;
  /** The Lambda@Edge fingerprinter's rules and its recording stream (docs/edge.md); only with `siteOrigin`. */
  readonly edge?: EdgeSettings;
  /** Mailed by the alarm topic (docs/operations.md); the address must confirm AWS's subscription e-mail. */
  readonly alarmEmail?: string;
}

/** What the edge function fingerprints (the ingest Lambda applies the same rules) and the stream's size. */
export interface EdgeSettings {
  /** Names the site in the cookieless session hash. @default 'default' */
  readonly siteId?: string;
  /** Path prefixes to fingerprint; empty means every path. @default [] */
  readonly includePrefixes?: readonly string[];
  /** Path prefixes never fingerprinted; `apiPathPrefix` is always added. @default ['/admin', '/feed', '/_ep'] */
  readonly excludePrefixes?: readonly string[];
  /** Only top-level document navigations. @default true */
  readonly navigationOnly?: boolean;
  /** Provisioned shards of the real-time log stream (one takes about 600 requests per second). @default 1 */
  readonly streamShards?: number;
}

export interface JwtSettings {
  readonly jwksUrl?: string;
  readonly issuer?: string;
  readonly audience?: readonly string[];
  /** A Secrets Manager secret whose string value is the shared HS256 key (at least 32 characters). */
  readonly secretArn?: string;
}

/** What a user may write: every field optional, `throttling` and `forwarding` partially too. */
export type EdgeprintSettingsInput = Partial<Omit<EdgeprintSettings, 'throttling' | 'forwarding'>> & {
  readonly throttling?: Partial<ThrottlingSettings>;
  readonly forwarding?: Partial<ForwardingSettings>;
};

/** The values CloudWatch Logs accepts as retention, in days. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

export const DEFAULT_SETTINGS: Omit<EdgeprintSettings, 'region' | 'trustCloudFrontViewerAddress'> = {
  allowedOrigins: [],
  allowedRedirectHosts: [],
  ipMode: 'truncated',
  gpcMode: 'anonymous',
  cookieDays: 30,
  retentionDays: 395,
  debounceSeconds: 10,
  hitsMaxAgeSeconds: 30,
  logRetentionDays: 90,
  throttling: { rateLimit: 500, burstLimit: 1000 },
  removalPolicy: 'retain',
  apiPathPrefix: '/_ep',
  domainNames: [],
  cloudFrontAccessLogs: true,
  forwarding: { providers: {} },
};

/**
 * Every problem found in a settings object, thrown once (Solutions Constructs style) so a user
 * fixes them all in one go.
 */
export class EdgeprintConfigError extends Error {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(`Invalid edgeprint configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'EdgeprintConfigError';
    this.problems = problems;
  }
}

const KNOWN_KEYS = new Set<string>([
  ...Object.keys(DEFAULT_SETTINGS),
  'region',
  'trustCloudFrontViewerAddress',
  'publicOrigin',
  'siteOrigin',
  'certificateArn',
  'webAclArn',
  'privacyMode',
  'retention',
  'fingerprintJa4',
  'jwt',
  'edge',
  'alarmEmail',
]);
const RETENTION_TYPES = ['sessions', 'fingerprints', 'markers', 'devices', 'events', 'activity'];
const JWT_KEYS = ['jwksUrl', 'issuer', 'audience', 'secretArn'];
const EDGE_KEYS = ['siteId', 'includePrefixes', 'excludePrefixes', 'navigationOnly', 'streamShards'];
// The same shapes the runtime accepts (layers/core/src/config.ts), so a deploy never ships a config the functions reject.
const ORIGIN = /^https?:\/\/[a-z0-9.-]+(:\d{1,5})?$/i;
const HOST_PORT = /^[a-z0-9.-]+(:\d{1,5})?$/i;
const DOMAIN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;
const REGION = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/;
const PATH_PREFIX = /^\/[A-Za-z0-9_-]{1,32}$/;
const CERTIFICATE_ARN = /^arn:aws[a-z-]*:acm:us-east-1:\d{12}:certificate\/[0-9a-f-]{36}$/;
const WEB_ACL_ARN = /^arn:aws[a-z-]*:wafv2:us-east-1:\d{12}:global\/webacl\/[^/]+\/[0-9a-f-]{36}$/;
const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+$/;
const PROVIDERS = ['ga4', 'matomo', 'plausible', 'webhook'];
/** Provider options that are secrets: they must come from the provider secret, never plain environment. */
const SECRET_OPTIONS = ['apiSecret', 'tokenAuth', 'secret'];
const FORWARDING_KEYS = ['providers', 'providerSecretsArn', 'forwardGpc', 'honorDnt', 'denyParams', 'excludePaths', 'idempotencyWindowSeconds', 'batchSize', 'batchWindowSeconds'];

type Check = (value: unknown) => string | undefined;

const integerIn = (min: number, max: number): Check => (value) =>
  typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max ? undefined : `must be an integer from ${min} to ${max}`;
const oneOf = (allowed: readonly unknown[]): Check => (value) =>
  allowed.includes(value) ? undefined : `must be one of ${allowed.map((item) => JSON.stringify(item)).join(', ')}`;
const matching = (pattern: RegExp, shape: string): Check => (value) =>
  typeof value === 'string' && pattern.test(value) ? undefined : `must look like ${shape}`;
const boolean: Check = (value) => (typeof value === 'boolean' ? undefined : 'must be true or false');
const listOf = (pattern: RegExp, shape: string): Check => (value) => {
  if (!Array.isArray(value)) return 'must be an array of strings';
  const bad = value.filter((item) => typeof item !== 'string' || !pattern.test(item));
  return bad.length === 0 ? undefined : `entries must look like ${shape} (bad: ${bad.map((item) => JSON.stringify(item)).join(', ')})`;
};

/** One rule per field; `undefined` for optional fields is handled before these run. */
const FIELD_RULES: Record<keyof EdgeprintSettings, Check> = {
  region: matching(REGION, 'an AWS region such as eu-west-1'),
  allowedOrigins: listOf(ORIGIN, 'https://host[:port]'),
  allowedRedirectHosts: listOf(HOST_PORT, 'host[:port]'),
  publicOrigin: matching(ORIGIN, 'https://host[:port]'),
  ipMode: oneOf(['full', 'truncated', 'none']),
  gpcMode: oneOf(['anonymous', 'drop', 'ignore']),
  cookieDays: integerIn(1, 400),
  retentionDays: integerIn(1, 760),
  debounceSeconds: integerIn(0, 3600),
  hitsMaxAgeSeconds: integerIn(0, 86400),
  logRetentionDays: oneOf(LOG_RETENTION_DAYS),
  throttling: (value) => {
    if (typeof value !== 'object' || value === null) return 'must be an object { rateLimit, burstLimit }';
    const { rateLimit, burstLimit } = value as Record<string, unknown>;
    const problems = [
      typeof rateLimit === 'number' && rateLimit > 0 && rateLimit <= 10000 ? undefined : 'rateLimit must be a number above 0 and at most 10000',
      typeof burstLimit === 'number' && Number.isInteger(burstLimit) && burstLimit >= 1 && burstLimit <= 5000 ? undefined : 'burstLimit must be an integer from 1 to 5000',
    ].filter((problem) => problem !== undefined);
    return problems.length === 0 ? undefined : problems.join('; ');
  },
  removalPolicy: oneOf(['retain', 'destroy']),
  trustCloudFrontViewerAddress: boolean,
  siteOrigin: matching(DOMAIN, 'a domain name such as origin.shop.example (no scheme, no path)'),
  apiPathPrefix: matching(PATH_PREFIX, '/_ep (one path segment of letters, digits, _ or -)'),
  domainNames: listOf(DOMAIN, 'a domain name such as shop.example'),
  certificateArn: matching(CERTIFICATE_ARN, 'an ACM certificate ARN in us-east-1'),
  webAclArn: matching(WEB_ACL_ARN, 'a WAFv2 web ACL ARN with CLOUDFRONT (global) scope'),
  cloudFrontAccessLogs: boolean,
  privacyMode: oneOf(['cookie', 'cookieless']),
  retention: (value) => retentionRule(value),
  fingerprintJa4: boolean,
  jwt: (value) => jwtRule(value),
  edge: (value) => edgeRule(value),
  alarmEmail: matching(/^[^\s@]{1,64}@[^\s@]{1,255}\.[a-z]{2,63}$/i, 'an e-mail address such as ops@shop.example'),
  forwarding: (value) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'must be an object';
    const forwarding = value as Record<string, unknown>;
    const problems: string[] = Object.keys(forwarding)
      .filter((key) => !FORWARDING_KEYS.includes(key))
      .map((key) => `${key} is unknown (known: ${FORWARDING_KEYS.join(', ')})`);
    const providers = forwarding.providers;
    if (typeof providers !== 'object' || providers === null || Array.isArray(providers)) {
      problems.push('providers must be an object');
    } else {
      for (const [name, options] of Object.entries(providers)) {
        if (!PROVIDERS.includes(name)) problems.push(`providers.${name} is not a provider (${PROVIDERS.join(', ')})`);
        else if (typeof options !== 'object' || options === null || Array.isArray(options)) problems.push(`providers.${name} must be an object`);
        else {
          for (const key of Object.keys(options).filter((option) => SECRET_OPTIONS.includes(option))) {
            problems.push(`providers.${name}.${key} is a secret: put it in the provider secret (providerSecretsArn), not in plain configuration`);
          }
        }
      }
    }
    const check = (key: string, rule: Check) => {
      if (forwarding[key] === undefined) return;
      const problem = rule(forwarding[key]);
      if (problem !== undefined) problems.push(`${key} ${problem}`);
    };
    check('providerSecretsArn', matching(SECRET_ARN, 'a Secrets Manager secret ARN'));
    check('forwardGpc', boolean);
    check('honorDnt', boolean);
    check('denyParams', listOf(/^[^,\s]{1,100}$/, 'a query parameter name'));
    check('excludePaths', listOf(/^\/[^,\s]{0,200}$/, 'a path prefix such as /admin'));
    check('idempotencyWindowSeconds', integerIn(60, 30 * 86400));
    // SQS event source mapping limits: up to 10,000 messages with a window, a window of up to 300 s (0 allows only 10).
    check('batchSize', integerIn(1, 10_000));
    check('batchWindowSeconds', integerIn(0, 300));
    if (typeof forwarding.batchSize === 'number' && forwarding.batchSize > 10 && forwarding.batchWindowSeconds === 0) {
      problems.push('batchSize above 10 needs a batchWindowSeconds of at least 1 (an SQS event source limit)');
    }
    return problems.length === 0 ? undefined : problems.join('; ');
  },
};

const retentionRule: Check = (value) => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return `must be an object of days per type (${RETENTION_TYPES.join(', ')})`;
  const problems = Object.entries(value as Record<string, unknown>).map(([type, days]) =>
    !RETENTION_TYPES.includes(type) ? `${type} is not an item type (${RETENTION_TYPES.join(', ')})` : integerIn(1, 760)(days) === undefined ? undefined : `${type} must be an integer from 1 to 760`,
  );
  const found = problems.filter((problem) => problem !== undefined);
  return found.length === 0 ? undefined : found.join('; ');
};

const jwtRule: Check = (value) => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'must be an object { jwksUrl?, issuer?, audience?, secretArn? }';
  const jwt = value as Record<string, unknown>;
  const problems: string[] = Object.keys(jwt).filter((key) => !JWT_KEYS.includes(key)).map((key) => `${key} is unknown (known: ${JWT_KEYS.join(', ')})`);
  if (jwt.jwksUrl !== undefined && (typeof jwt.jwksUrl !== 'string' || !/^https:\/\/[^\s]{1,2000}$/.test(jwt.jwksUrl))) problems.push('jwksUrl must be an https URL');
  if (jwt.issuer !== undefined && (typeof jwt.issuer !== 'string' || jwt.issuer.length === 0 || jwt.issuer.length > 512)) problems.push('issuer must be a string of 1 to 512 characters');
  if (jwt.audience !== undefined) {
    const problem = listOf(/^[^,\s]{1,512}$/, 'an audience without commas or spaces')(jwt.audience);
    if (problem !== undefined) problems.push(`audience ${problem}`);
  }
  if (jwt.secretArn !== undefined && matching(SECRET_ARN, 'a Secrets Manager secret ARN')(jwt.secretArn) !== undefined) problems.push('secretArn must be a Secrets Manager secret ARN');
  if (jwt.jwksUrl === undefined && jwt.secretArn === undefined) problems.push('needs jwksUrl or secretArn');
  return problems.length === 0 ? undefined : problems.join('; ');
};

// The rule checks are the edge function's own (parseEdgeRules), so synth refuses what the bundle would.
const edgeRule: Check = (value) => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return `must be an object { ${EDGE_KEYS.join(', ')} }`;
  const edge = value as Record<string, unknown>;
  const problems: string[] = Object.keys(edge).filter((key) => !EDGE_KEYS.includes(key)).map((key) => `${key} is unknown (known: ${EDGE_KEYS.join(', ')})`);
  try {
    parseEdgeRules({ siteId: edge.siteId, includePrefixes: edge.includePrefixes, excludePrefixes: edge.excludePrefixes, navigationOnly: edge.navigationOnly });
  } catch (error) {
    problems.push((error as Error).message.replace(/^Invalid edge rules: /, ''));
  }
  if (edge.streamShards !== undefined && integerIn(1, 100)(edge.streamShards) !== undefined) problems.push('streamShards must be an integer from 1 to 100');
  return problems.length === 0 ? undefined : problems.join('; ');
};

/** Rules that relate fields to each other. */
function crossFieldProblems(settings: EdgeprintSettings): string[] {
  const problems: string[] = [];
  if (settings.domainNames.length > 0 && settings.certificateArn === undefined) {
    problems.push('domainNames needs certificateArn (an ACM certificate in us-east-1 covering them)');
  }
  if (settings.certificateArn !== undefined && settings.domainNames.length === 0) {
    problems.push('certificateArn is only used with domainNames');
  }
  if (settings.siteOrigin === undefined && (settings.domainNames.length > 0 || settings.webAclArn !== undefined)) {
    problems.push('domainNames and webAclArn configure the distribution, which needs siteOrigin');
  }
  if (settings.siteOrigin === undefined && settings.edge !== undefined) {
    problems.push('edge configures the distribution\'s edge function and its recording stream, which need siteOrigin');
  }
  if (settings.apiPathPrefix.toLowerCase() === '/v1') {
    problems.push('apiPathPrefix must not be /v1: the prefix is stripped before the API sees the path');
  }
  return problems;
}

/**
 * Merges the input over the defaults and validates the result; throws one `EdgeprintConfigError`
 * listing every problem.
 * @example const settings = resolveSettings({ region: 'eu-west-1', allowedOrigins: ['https://shop.example'] })
 */
export function resolveSettings(input: unknown): EdgeprintSettings {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new EdgeprintConfigError(['the configuration must be a JSON object']);
  }
  const raw = input as Record<string, unknown>;
  const problems: string[] = [];
  for (const key of Object.keys(raw)) {
    if (!KNOWN_KEYS.has(key)) problems.push(`${key}: unknown setting (known: ${[...KNOWN_KEYS].sort().join(', ')})`);
  }
  const withDefaults = (value: unknown, defaults: object): unknown =>
    typeof value === 'object' && value !== null && !Array.isArray(value) ? { ...defaults, ...value } : (value ?? defaults);
  const merged = {
    ...DEFAULT_SETTINGS,
    region: 'us-east-1',
    ...raw,
    throttling: withDefaults(raw.throttling, DEFAULT_SETTINGS.throttling),
    forwarding: withDefaults(raw.forwarding, DEFAULT_SETTINGS.forwarding),
  } as Record<string, unknown>;
  merged.trustCloudFrontViewerAddress = raw.trustCloudFrontViewerAddress ?? merged.siteOrigin !== undefined;
  for (const [field, check] of Object.entries(FIELD_RULES)) {
    const value = merged[field];
    if (value === undefined) continue;
    const problem = check(value);
    if (problem !== undefined) problems.push(`${field}: ${problem}`);
  }
  if (problems.length === 0) problems.push(...crossFieldProblems(merged as unknown as EdgeprintSettings));
  if (problems.length > 0) throw new EdgeprintConfigError(problems);
  return Object.freeze(merged as unknown as EdgeprintSettings);
}

/** The CDK context key and the optional file at the repo root that configure the app. */
export const CONTEXT_KEY = 'edgeprint';
export const CONFIG_FILE = 'edgeprint.config.json';

function parseJson(text: string, source: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new EdgeprintConfigError([`${source} is not valid JSON (${(error as Error).message})`]);
  }
}

/**
 * The settings of a CDK app: defaults, then `edgeprint.config.json` (if present in `directory`),
 * then the `edgeprint` context value (`cdk synth -c edgeprint='{"allowedOrigins":[…]}'`, or an
 * object in cdk.json). The region falls back to the CLI's default region.
 * @example const settings = settingsFromContext(app)
 */
export function settingsFromContext(scope: Construct, directory: string = process.cwd()): EdgeprintSettings {
  const file = join(directory, CONFIG_FILE);
  const fromFile = existsSync(file) ? parseJson(readFileSync(file, 'utf8'), CONFIG_FILE) : {};
  const context: unknown = scope.node.tryGetContext(CONTEXT_KEY);
  const fromContext = typeof context === 'string' ? parseJson(context, `context "${CONTEXT_KEY}"`) : (context ?? {});
  for (const [source, value] of [[CONFIG_FILE, fromFile], [`context "${CONTEXT_KEY}"`, fromContext]] as const) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new EdgeprintConfigError([`${source} must be a JSON object`]);
    }
  }
  const defaultRegion = process.env.CDK_DEFAULT_REGION;
  return resolveSettings({
    ...(defaultRegion === undefined ? {} : { region: defaultRegion }),
    ...(fromFile as object),
    ...(fromContext as object),
  });
}
