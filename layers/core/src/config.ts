import * as v from 'valibot';
import { ConfigError } from './errors';
import { describeIssues } from './validation/issues';

/** What is stored of a client IP. `truncated` zeroes the IPv4 last octet or the IPv6 last 80 bits. */
export type IpMode = 'full' | 'truncated' | 'none';
/** What a `Sec-GPC: 1` request gets: `anonymous` keeps counts but stores no fingerprint; `drop` records nothing. */
export type GpcMode = 'anonymous' | 'drop' | 'ignore';
/** `cookie`: the `ep_sid` cookie; `cookieless`: no cookie, a daily-salted hash of site, IP and user agent. */
export type PrivacyMode = 'cookie' | 'cookieless';

/**
 * Days each item type is kept before the table's TTL removes it. Identifiers (sessions with their
 * user links, request fingerprints, hit markers, device items) default to 395 days (13 months),
 * analytics data (page events, activity) to 760 days (25 months): the CNIL audience-measurement limits.
 */
export interface Retention {
  readonly sessions: number;
  readonly fingerprints: number;
  readonly markers: number;
  readonly devices: number;
  readonly events: number;
  readonly activity: number;
}

/** How `/v1/activity` verifies `Authorization: Bearer <JWT>`: a JWKS URL, a shared HS256 secret, or both. */
export interface JwtConfig {
  readonly jwksUrl?: string;
  /** Shared HS256 secret. Never logged. */
  readonly secret?: string;
  readonly issuer?: string;
  readonly audience?: readonly string[];
}

export interface EdgeprintConfig {
  readonly tableName: string;
  /** Only for local runs and tests (dynalite, DynamoDB Local). */
  readonly dynamodbEndpoint?: string;
  readonly region: string;
  /** Exact origins (`https://example.com`) allowed to call the API from a browser. */
  readonly allowedOrigins: readonly string[];
  /** Hosts, with a port when not the default, that the redirect page may send browsers to. */
  readonly allowedRedirectHosts: readonly string[];
  /** When set, relative redirect targets resolve against it (the site origin when served first-party). */
  readonly publicOrigin?: string;
  /** The path the API is served under on `publicOrigin` (`/_ep` behind our distribution), for absolute API URLs. */
  readonly publicPathPrefix: string;
  readonly ipMode: IpMode;
  readonly gpcMode: GpcMode;
  readonly sessionCookieDays: number;
  readonly debounceSeconds: number;
  readonly hitsMaxAgeSeconds: number;
  /** Key of the request-fingerprint hash. Never logged. */
  readonly fingerprintSecret: string;
  /** Trust the `CloudFront-Viewer-Address` header for the client IP (only when fronted by our distribution). */
  readonly trustCloudFrontViewerAddress: boolean;
  /** Days identifiers (sessions, fingerprints, markers, devices) are kept unless set per type */
  readonly retentionDays: number;
  readonly maxBodyBytes: number;
  /** The event queue for forwarding; forwarding is off when unset. */
  readonly queueUrl?: string;
  /** Only for the local SQS stand-in. */
  readonly sqsEndpoint?: string;
  readonly privacyMode: PrivacyMode;
  /** TTL per item type. `retentionDays` above is the identifiers' default. */
  readonly retention: Retention;
  /** Include CloudFront's JA4 TLS fingerprint in the request-fingerprint hash (version 2). */
  readonly fingerprintJa4: boolean;
  /** The admin and server-to-server API key; the admin endpoints refuse every call without it. Never logged. */
  readonly apiKey?: string;
  /** Bearer-token verification for the activity log; tokens are refused when unset. */
  readonly jwt?: JwtConfig;
}

// valibot rather than zod: the same checks at a fraction of the load cost (every function reads its config at cold start; docs/decisions.md).
const list = v.pipe(
  v.optional(v.string(), ''),
  v.transform((value) => value.split(',').map((item) => item.trim()).filter((item) => item.length > 0)),
);

/** A whole number from its decimal text (the environment is text), within bounds. */
const wholeNumber = (min: number, max: number) =>
  v.pipe(v.string(), v.transform(Number), v.number(), v.integer(), v.minValue(min), v.maxValue(max));

const integer = (fallback: number, min: number, max: number) => v.optional(wholeNumber(min, max), String(fallback));

const url = v.pipe(v.string(), v.url());
const flag = v.optional(v.picklist(['true', 'false']), 'false');
const retentionDays = v.optional(wholeNumber(1, 760));

const environmentSchema = v.object({
  EDGEPRINT_TABLE: v.pipe(v.string(), v.minLength(3), v.maxLength(255)),
  EDGEPRINT_DYNAMODB_ENDPOINT: v.optional(url),
  AWS_REGION: v.optional(v.pipe(v.string(), v.minLength(1)), 'us-east-1'),
  EDGEPRINT_ALLOWED_ORIGINS: list,
  EDGEPRINT_REDIRECT_HOSTS: list,
  EDGEPRINT_PUBLIC_ORIGIN: v.optional(url),
  EDGEPRINT_PUBLIC_PATH_PREFIX: v.optional(
    v.pipe(v.string(), v.regex(/^(\/[A-Za-z0-9_-]{1,64})?$/, 'must be empty or one path segment such as /_ep')),
    '',
  ),
  EDGEPRINT_IP_MODE: v.optional(v.picklist(['full', 'truncated', 'none']), 'truncated'),
  EDGEPRINT_GPC_MODE: v.optional(v.picklist(['anonymous', 'drop', 'ignore']), 'anonymous'),
  EDGEPRINT_COOKIE_DAYS: integer(30, 1, 400),
  EDGEPRINT_DEBOUNCE_SECONDS: integer(10, 0, 3600),
  EDGEPRINT_HITS_MAX_AGE: integer(30, 0, 86400),
  // Optional: only the functions that hash or sign are given it (see withFingerprintSecret).
  EDGEPRINT_SECRET: v.optional(v.pipe(v.string(), v.minLength(16, 'EDGEPRINT_SECRET must be at least 16 characters'))),
  EDGEPRINT_TRUST_CLOUDFRONT_VIEWER_ADDRESS: flag,
  EDGEPRINT_RETENTION_DAYS: integer(395, 1, 760),
  EDGEPRINT_QUEUE_URL: v.optional(url),
  EDGEPRINT_SQS_ENDPOINT: v.optional(url),
  EDGEPRINT_PRIVACY_MODE: v.optional(v.picklist(['cookie', 'cookieless']), 'cookie'),
  EDGEPRINT_RETENTION_SESSIONS_DAYS: retentionDays,
  EDGEPRINT_RETENTION_FINGERPRINTS_DAYS: retentionDays,
  EDGEPRINT_RETENTION_MARKERS_DAYS: retentionDays,
  EDGEPRINT_RETENTION_DEVICES_DAYS: retentionDays,
  EDGEPRINT_RETENTION_EVENTS_DAYS: retentionDays,
  EDGEPRINT_RETENTION_ACTIVITY_DAYS: retentionDays,
  EDGEPRINT_FINGERPRINT_JA4: flag,
  EDGEPRINT_API_KEY: v.optional(v.pipe(v.string(), v.minLength(16, 'EDGEPRINT_API_KEY must be at least 16 characters'), v.maxLength(512))),
  EDGEPRINT_JWT_JWKS_URL: v.optional(url),
  EDGEPRINT_JWT_SECRET: v.optional(
    v.pipe(v.string(), v.minLength(32, 'EDGEPRINT_JWT_SECRET must be at least 32 characters (HS256 key)'), v.maxLength(512)),
  ),
  EDGEPRINT_JWT_ISSUER: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(512))),
  EDGEPRINT_JWT_AUDIENCE: list,
});

type Environment = v.InferOutput<typeof environmentSchema>;

/** The CNIL limits: 13 months for identifiers, 25 months for the analytics data collected. */
export const DEFAULT_IDENTIFIER_DAYS = 395;
export const DEFAULT_ANALYTICS_DAYS = 760;

/**
 * Per-type TTLs: each `EDGEPRINT_RETENTION_<TYPE>_DAYS` when set; otherwise `EDGEPRINT_RETENTION_DAYS`
 * (default 395) for the identifiers and 760 days for the analytics data (events, activity).
 */
function retentionFrom(e: Environment): Retention {
  const identifiers = e.EDGEPRINT_RETENTION_DAYS;
  return Object.freeze({
    sessions: e.EDGEPRINT_RETENTION_SESSIONS_DAYS ?? identifiers,
    fingerprints: e.EDGEPRINT_RETENTION_FINGERPRINTS_DAYS ?? identifiers,
    markers: e.EDGEPRINT_RETENTION_MARKERS_DAYS ?? identifiers,
    devices: e.EDGEPRINT_RETENTION_DEVICES_DAYS ?? identifiers,
    events: e.EDGEPRINT_RETENTION_EVENTS_DAYS ?? DEFAULT_ANALYTICS_DAYS,
    activity: e.EDGEPRINT_RETENTION_ACTIVITY_DAYS ?? DEFAULT_ANALYTICS_DAYS,
  });
}

/** The JWKS must be fetched over https; plain http only on loopback (tests, a local identity provider). */
function jwtFrom(e: Environment): JwtConfig | undefined {
  if (e.EDGEPRINT_JWT_JWKS_URL === undefined && e.EDGEPRINT_JWT_SECRET === undefined) return undefined;
  if (e.EDGEPRINT_JWT_JWKS_URL !== undefined) {
    const url = new URL(e.EDGEPRINT_JWT_JWKS_URL);
    const loopback = url.hostname === 'localhost' || url.hostname === '[::1]' || url.hostname.startsWith('127.');
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
      throw new ConfigError('Invalid edgeprint configuration: EDGEPRINT_JWT_JWKS_URL must be an https URL');
    }
  }
  return Object.freeze({
    jwksUrl: e.EDGEPRINT_JWT_JWKS_URL,
    secret: e.EDGEPRINT_JWT_SECRET,
    issuer: e.EDGEPRINT_JWT_ISSUER,
    audience: e.EDGEPRINT_JWT_AUDIENCE.length === 0 ? undefined : Object.freeze(e.EDGEPRINT_JWT_AUDIENCE),
  });
}

const originPattern = /^https?:\/\/[a-z0-9.-]+(:\d{1,5})?$/i;
const hostPattern = /^[a-z0-9.-]+(:\d{1,5})?$/i;

/**
 * Reads and validates the environment once (at cold start) and returns a frozen config.
 * @example const config = loadConfig(process.env)
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): EdgeprintConfig {
  const parsed = v.safeParse(environmentSchema, env);
  if (!parsed.success) {
    throw new ConfigError(`Invalid edgeprint configuration: ${describeIssues(parsed.issues, 'environment').join('; ')}`);
  }
  const e = parsed.output;
  const badOrigins = e.EDGEPRINT_ALLOWED_ORIGINS.filter((origin) => !originPattern.test(origin));
  const badHosts = e.EDGEPRINT_REDIRECT_HOSTS.filter((host) => !hostPattern.test(host));
  if (badOrigins.length > 0 || badHosts.length > 0) {
    throw new ConfigError(
      `Invalid edgeprint configuration: origins must look like https://host[:port] (${badOrigins.join(', ')}); ` +
        `redirect hosts like host[:port] (${badHosts.join(', ')})`,
    );
  }
  const fields = {
    tableName: e.EDGEPRINT_TABLE,
    dynamodbEndpoint: e.EDGEPRINT_DYNAMODB_ENDPOINT,
    region: e.AWS_REGION,
    allowedOrigins: Object.freeze(e.EDGEPRINT_ALLOWED_ORIGINS.map((origin) => origin.toLowerCase())),
    allowedRedirectHosts: Object.freeze(e.EDGEPRINT_REDIRECT_HOSTS.map((host) => host.toLowerCase())),
    publicOrigin: e.EDGEPRINT_PUBLIC_ORIGIN === undefined ? undefined : new URL(e.EDGEPRINT_PUBLIC_ORIGIN).origin,
    publicPathPrefix: e.EDGEPRINT_PUBLIC_ORIGIN === undefined ? '' : e.EDGEPRINT_PUBLIC_PATH_PREFIX,
    ipMode: e.EDGEPRINT_IP_MODE,
    gpcMode: e.EDGEPRINT_GPC_MODE,
    sessionCookieDays: e.EDGEPRINT_COOKIE_DAYS,
    debounceSeconds: e.EDGEPRINT_DEBOUNCE_SECONDS,
    hitsMaxAgeSeconds: e.EDGEPRINT_HITS_MAX_AGE,
    trustCloudFrontViewerAddress: e.EDGEPRINT_TRUST_CLOUDFRONT_VIEWER_ADDRESS === 'true',
    retentionDays: e.EDGEPRINT_RETENTION_DAYS,
    maxBodyBytes: 16 * 1024,
    queueUrl: e.EDGEPRINT_QUEUE_URL,
    sqsEndpoint: e.EDGEPRINT_SQS_ENDPOINT,
    privacyMode: e.EDGEPRINT_PRIVACY_MODE,
    retention: retentionFrom(e),
    fingerprintJa4: e.EDGEPRINT_FINGERPRINT_JA4 === 'true',
    apiKey: e.EDGEPRINT_API_KEY,
    jwt: jwtFrom(e),
  };
  return Object.freeze(withFingerprintSecret(fields, e.EDGEPRINT_SECRET));
}

/**
 * Least privilege: a function whose code never hashes or signs (hits, snippet, the admin queries) is
 * deployed without the fingerprint secret and starts without it. Reading it there is a deployment
 * mistake, reported as a configuration error (a 500) rather than hashing with an empty key.
 */
function withFingerprintSecret<T extends object>(fields: T, secret: string | undefined): T & { readonly fingerprintSecret: string } {
  if (secret !== undefined) return { ...fields, fingerprintSecret: secret };
  return Object.defineProperty(fields, 'fingerprintSecret', {
    // Not enumerable, so spreading or logging the config does not trip it.
    enumerable: false,
    get(): never {
      throw new ConfigError('Invalid edgeprint configuration: EDGEPRINT_SECRET (or EDGEPRINT_SECRET_ARN) is not set for this function');
    },
  }) as T & { readonly fingerprintSecret: string };
}
