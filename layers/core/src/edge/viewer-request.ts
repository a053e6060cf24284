import type { CloudFrontHeaders, CloudFrontRequest } from 'aws-lambda';
import { requestFingerprint } from '../domain/fingerprint';
import { requestSignals } from '../domain/request-signals';
import type { EdgeConfigLoad } from './baked-config';
import type { EdgeConfig } from './edge-config';
import { botSignal, type BotSignal } from './bot-signal';
import { edgeSession, type SessionSource } from './edge-session';
import { selectRequest, type SkipReason } from './request-rules';

/** The headers the origin gets. Any header with this prefix that the viewer sent is removed. */
export const EDGE_HEADER_PREFIX = 'x-edgeprint-';

export const EDGE_HEADERS = {
  /** The request fingerprint id (the same keyed hash the regional API stores as `fp`). */
  fingerprint: 'x-edgeprint-fingerprint',
  /** Version of the fingerprint algorithm (`fpv`). */
  version: 'x-edgeprint-fpv',
  /** The session: the viewer's `ep_sid`, or the derived (cookieless) id. */
  session: 'x-edgeprint-session',
  /** `cookie` or `derived`: where the session came from. */
  sessionSource: 'x-edgeprint-session-source',
  /** `1` when the request looks automated, else `0`. */
  bot: 'x-edgeprint-bot',
} as const;

/** What the edge stamped on one request. */
export interface EdgeStamp {
  readonly fingerprint: string;
  readonly version: number;
  readonly session: string;
  readonly sessionSource: SessionSource;
  readonly bot?: BotSignal;
}

export type ViewerRequestOutcome =
  | { readonly kind: 'stamped'; readonly request: CloudFrontRequest; readonly stamp: EdgeStamp }
  | { readonly kind: 'skipped'; readonly request: CloudFrontRequest; readonly reason: SkipReason }
  | { readonly kind: 'failed-open'; readonly request: CloudFrontRequest; readonly error: string };

/**
 * One value per header name, lower-case names: repeats joined as API Gateway joins them (`,`), cookies
 * with `; `. This is what `requestSignals()` reads on both paths, so the ids match.
 * @example flattenHeaders({ 'accept-language': [{ key: 'Accept-Language', value: 'en' }] }) // { 'accept-language': 'en' }
 */
export function flattenHeaders(headers: CloudFrontHeaders): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const name of Object.keys(headers)) {
    const entries = headers[name];
    if (!Array.isArray(entries)) continue;
    const values = entries.map((entry) => entry?.value).filter((value): value is string => typeof value === 'string');
    if (values.length > 0) flat[name.toLowerCase()] = values.join(name.toLowerCase() === 'cookie' ? '; ' : ',');
  }
  return flat;
}

/** The viewer's headers without any `x-edgeprint-*` (what the origin trusts must come from us). */
export function stripEdgeHeaders(headers: CloudFrontHeaders): CloudFrontHeaders {
  const kept: CloudFrontHeaders = {};
  for (const name of Object.keys(headers)) {
    if (!name.toLowerCase().startsWith(EDGE_HEADER_PREFIX)) kept[name] = headers[name] as CloudFrontHeaders[string];
  }
  return kept;
}

const header = (key: string, value: string) => [{ key, value }];

/**
 * Fingerprints one viewer request: strips spoofed headers, applies the path and navigation rules,
 * computes the request fingerprint with the regional API's own module, reads or derives the session,
 * flags bots and stamps the headers for the origin. Pure: nothing is sent anywhere.
 * Throws only on a programming or configuration error; `handleViewerRequest` turns that into a pass-through.
 * @example fingerprintViewerRequest(event.Records[0].cf.request, config, new Date())
 */
export function fingerprintViewerRequest(request: CloudFrontRequest, config: EdgeConfig, now: Date): ViewerRequestOutcome {
  const viewerHeaders = stripEdgeHeaders(request.headers);
  const flat = flattenHeaders(viewerHeaders);
  const selection = selectRequest({ method: request.method, uri: request.uri, headers: flat }, config);
  if (!selection.selected) return { kind: 'skipped', request: { ...request, headers: viewerHeaders }, reason: selection.reason };
  const fingerprint = requestFingerprint(requestSignals(flat, request.clientIp), config.secret);
  const session = edgeSession({
    mode: config.privacyMode,
    cookieHeader: flat.cookie,
    secret: config.secret,
    siteId: config.siteId,
    ip: request.clientIp,
    userAgent: flat['user-agent'],
    at: now,
  });
  const bot = botSignal(flat);
  const stamped: CloudFrontHeaders = {
    ...viewerHeaders,
    [EDGE_HEADERS.fingerprint]: header('X-Edgeprint-Fingerprint', fingerprint.id),
    [EDGE_HEADERS.version]: header('X-Edgeprint-Fpv', String(fingerprint.version)),
    [EDGE_HEADERS.session]: header('X-Edgeprint-Session', session.id),
    [EDGE_HEADERS.sessionSource]: header('X-Edgeprint-Session-Source', session.source),
    [EDGE_HEADERS.bot]: header('X-Edgeprint-Bot', bot === undefined ? '0' : '1'),
  };
  return {
    kind: 'stamped',
    request: { ...request, headers: stamped },
    stamp: { fingerprint: fingerprint.id, version: fingerprint.version, session: session.id, sessionSource: session.source, bot },
  };
}

export interface ViewerRequestOptions {
  readonly config: EdgeConfig | EdgeConfigLoad;
  readonly now?: () => Date;
  /** One line per failure; `console.error` by default (CloudWatch Logs in the serving region). */
  readonly log?: (line: string) => void;
}

function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

function requestOf(event: unknown): CloudFrontRequest | undefined {
  const request = (event as { Records?: { cf?: { request?: unknown } }[] } | null | undefined)?.Records?.[0]?.cf?.request;
  return request !== null && typeof request === 'object' ? (request as CloudFrontRequest) : undefined;
}

/**
 * The viewer-request entry point, failing open: on any error the request goes to the origin
 * unchanged except for the spoofed `x-edgeprint-*` headers (when they can be removed), and one line
 * is logged. A broken fingerprinter never breaks the site.
 * @example export const handler = async (event) => handleViewerRequest(event, { config })
 */
export function handleViewerRequest(event: unknown, options: ViewerRequestOptions): CloudFrontRequest {
  const request = requestOf(event);
  try {
    if (request === undefined) throw new TypeError('viewer-request event without Records[0].cf.request');
    const load = options.config;
    if ('ok' in load && !load.ok) throw new Error(`edge configuration unusable: ${load.error}`);
    const config = 'ok' in load ? load.config : load;
    return fingerprintViewerRequest(request, config, options.now?.() ?? new Date()).request;
  } catch (error) {
    const log = options.log ?? ((line: string) => console.error(line));
    let passed: CloudFrontRequest | undefined = request;
    try {
      if (request !== undefined) passed = { ...request, headers: stripEdgeHeaders(request.headers) };
    } catch {
      passed = request;
    }
    try {
      log(JSON.stringify({ level: 'ERROR', message: 'edgeprint edge failed open', error: describeError(error), uri: typeof request?.uri === 'string' ? request.uri.slice(0, 200) : undefined }));
    } catch {
      // Logging must not turn a pass-through into a failure.
    }
    return passed as CloudFrontRequest;
  }
}
