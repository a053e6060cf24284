import { z } from 'zod';
import { ConfigError } from './errors';

/** What is stored of a client IP. `truncated` zeroes the IPv4 last octet or the IPv6 last 80 bits. */
export type IpMode = 'full' | 'truncated' | 'none';
/** What a `Sec-GPC: 1` request gets: `anonymous` keeps counts but stores no fingerprint; `drop` records nothing. */
export type GpcMode = 'anonymous' | 'drop' | 'ignore';

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
  /** Days personal items (sessions, fingerprints, activity, markers) are kept before TTL removes them. */
  readonly retentionDays: number;
  readonly maxBodyBytes: number;
  /** The event queue for forwarding; forwarding is off when unset. */
  readonly queueUrl?: string;
  /** Only for the local SQS stand-in. */
  readonly sqsEndpoint?: string;
}

const list = z
  .string()
  .optional()
  .transform((value) => (value ?? '').split(',').map((item) => item.trim()).filter((item) => item.length > 0));

const integer = (fallback: number, min: number, max: number) =>
  z.coerce.number().int().min(min).max(max).optional().default(fallback);

const environmentSchema = z.object({
  EDGEPRINT_TABLE: z.string().min(3).max(255),
  EDGEPRINT_DYNAMODB_ENDPOINT: z.url().optional(),
  AWS_REGION: z.string().min(1).optional().default('us-east-1'),
  EDGEPRINT_ALLOWED_ORIGINS: list,
  EDGEPRINT_REDIRECT_HOSTS: list,
  EDGEPRINT_PUBLIC_ORIGIN: z.url().optional(),
  EDGEPRINT_PUBLIC_PATH_PREFIX: z
    .string()
    .regex(/^(\/[A-Za-z0-9_-]{1,64})?$/, 'must be empty or one path segment such as /_ep')
    .optional()
    .default(''),
  EDGEPRINT_IP_MODE: z.enum(['full', 'truncated', 'none']).optional().default('truncated'),
  EDGEPRINT_GPC_MODE: z.enum(['anonymous', 'drop', 'ignore']).optional().default('anonymous'),
  EDGEPRINT_COOKIE_DAYS: integer(30, 1, 400),
  EDGEPRINT_DEBOUNCE_SECONDS: integer(10, 0, 3600),
  EDGEPRINT_HITS_MAX_AGE: integer(30, 0, 86400),
  EDGEPRINT_SECRET: z.string().min(16, 'EDGEPRINT_SECRET must be at least 16 characters'),
  EDGEPRINT_TRUST_CLOUDFRONT_VIEWER_ADDRESS: z.enum(['true', 'false']).optional().default('false'),
  EDGEPRINT_RETENTION_DAYS: integer(395, 1, 760),
  EDGEPRINT_QUEUE_URL: z.url().optional(),
  EDGEPRINT_SQS_ENDPOINT: z.url().optional(),
});

const originPattern = /^https?:\/\/[a-z0-9.-]+(:\d{1,5})?$/i;
const hostPattern = /^[a-z0-9.-]+(:\d{1,5})?$/i;

/**
 * Reads and validates the environment once (at cold start) and returns a frozen config.
 * @example const config = loadConfig(process.env)
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): EdgeprintConfig {
  const parsed = environmentSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid edgeprint configuration: ${problems.join('; ')}`);
  }
  const e = parsed.data;
  const badOrigins = e.EDGEPRINT_ALLOWED_ORIGINS.filter((origin) => !originPattern.test(origin));
  const badHosts = e.EDGEPRINT_REDIRECT_HOSTS.filter((host) => !hostPattern.test(host));
  if (badOrigins.length > 0 || badHosts.length > 0) {
    throw new ConfigError(
      `Invalid edgeprint configuration: origins must look like https://host[:port] (${badOrigins.join(', ')}); ` +
        `redirect hosts like host[:port] (${badHosts.join(', ')})`,
    );
  }
  return Object.freeze({
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
    fingerprintSecret: e.EDGEPRINT_SECRET,
    trustCloudFrontViewerAddress: e.EDGEPRINT_TRUST_CLOUDFRONT_VIEWER_ADDRESS === 'true',
    retentionDays: e.EDGEPRINT_RETENTION_DAYS,
    maxBodyBytes: 16 * 1024,
    queueUrl: e.EDGEPRINT_QUEUE_URL,
    sqsEndpoint: e.EDGEPRINT_SQS_ENDPOINT,
  });
}
