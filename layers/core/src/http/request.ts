import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { parseIp } from '../domain/ip';

/**
 * A read-only view of an API Gateway HTTP API (payload 2.0) event with the few things handlers need.
 * Built once per request at the boundary.
 */
export interface HttpRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  /** Lower-cased header names. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly cookies: ReadonlyMap<string, string>;
  readonly rawBody: Buffer | undefined;
  /** `https://api.example` (or the configured public origin): what relative URLs resolve against. */
  readonly origin: string;
  /**
   * The path prefix the browser reached the API under: `/_ep` behind the distribution and the local
   * edge proxy (from `x-edgeprint-base-path`), the configured prefix with `publicOrigin`, else empty.
   * Only ever used to build same-origin paths.
   */
  readonly basePath: string;
  /** The absolute URL of this request, as the browser reached it (origin, base path, path, query). */
  readonly url: string;
  readonly secure: boolean;
  /** From the trusted request context only; never from a client-supplied header unless configured. */
  readonly clientIp: string | undefined;
  readonly requestId: string;
}

export interface RequestOptions {
  readonly publicOrigin?: string;
  /** Prefix the API is served under on the public origin; the path API Gateway sees has it stripped. */
  readonly publicPathPrefix?: string;
  readonly trustCloudFrontViewerAddress: boolean;
  /** Hosts a redirect may go to: a forwarded public host is believed only when it is one of them. */
  readonly allowedRedirectHosts?: readonly string[];
  /** Origins allowed to call the API: a forwarded public host is believed when `https://host` is one. */
  readonly allowedOrigins?: readonly string[];
}

/** Set by the distribution's CloudFront Function and the local edge proxy: the prefix they removed. */
export const BASE_PATH_HEADER = 'x-edgeprint-base-path';
/** Set alongside it: the host the browser asked for (API Gateway sees its own host). */
export const PUBLIC_HOST_HEADER = 'x-edgeprint-public-host';

/** One path segment, as the distribution's `apiPathPrefix` is configured; anything else is ignored. */
const BASE_PATH = /^\/[A-Za-z0-9_-]{1,32}$/;
const HOST = /^[a-z0-9.-]{1,253}(:\d{1,5})?$/;

/**
 * The base path a proxy in front reports, when it has the one shape a prefix can have. A viewer can
 * send the header straight to the API host; the worst it gets is its own page pointing at paths
 * that 404, so the value is checked for shape only.
 * @example basePathOf({ 'x-edgeprint-base-path': '/_ep' }) // '/_ep'
 */
export function basePathOf(headers: Readonly<Record<string, string | undefined>>): string | undefined {
  const value = headers[BASE_PATH_HEADER];
  return value !== undefined && BASE_PATH.test(value) ? value : undefined;
}

/**
 * The public host a proxy in front reports, believed only when it is a configured redirect host or
 * the host of a configured origin: it decides what a relative `next` resolves against and what is
 * same-origin, so an unlisted value (a viewer can send the header straight to the API) is ignored.
 */
function publicHostOf(headers: Readonly<Record<string, string | undefined>>, options: RequestOptions): string | undefined {
  const host = headers[PUBLIC_HOST_HEADER]?.toLowerCase();
  if (host === undefined || !HOST.test(host)) return undefined;
  const listed = (options.allowedRedirectHosts ?? []).includes(host) || (options.allowedOrigins ?? []).some((origin) => origin === `https://${host}` || origin === `http://${host}`);
  return listed ? host : undefined;
}

function parseCookies(event: APIGatewayProxyEventV2): Map<string, string> {
  const cookies = new Map<string, string>();
  const pairs = event.cookies ?? (event.headers?.cookie ?? '').split(';');
  for (const pair of pairs.slice(0, 100)) {
    const index = pair.indexOf('=');
    if (index <= 0) continue;
    const name = pair.slice(0, index).trim();
    const value = pair.slice(index + 1).trim();
    if (!cookies.has(name)) cookies.set(name, value);
  }
  return cookies;
}

/** `CloudFront-Viewer-Address` is `ip:port`, with IPv6 unbracketed (`2001:db8::1:443`). */
function viewerAddressIp(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const index = header.lastIndexOf(':');
  return index > 0 ? parseIp(header.slice(0, index))?.toString() : undefined;
}

/** @example const request = toHttpRequest(event, { trustCloudFrontViewerAddress: false }) */
export function toHttpRequest(event: APIGatewayProxyEventV2, options: RequestOptions): HttpRequest {
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(event.headers ?? {})) headers[name.toLowerCase()] = value;
  const forwardedProto = headers['x-forwarded-proto']?.split(',')[0]?.trim();
  const scheme = forwardedProto === 'http' ? 'http' : 'https';
  const host = publicHostOf(headers, options) ?? event.requestContext.domainName ?? headers.host ?? 'localhost';
  const origin = options.publicOrigin ?? `${scheme}://${host}`;
  const basePath = basePathOf(headers) ?? (options.publicOrigin === undefined ? '' : (options.publicPathPrefix ?? ''));
  const rawQuery = event.rawQueryString ?? '';
  const path = event.rawPath ?? '/';
  const body =
    event.body === undefined || event.body === null
      ? undefined
      : Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8');
  const fromViewer = options.trustCloudFrontViewerAddress ? viewerAddressIp(headers['cloudfront-viewer-address']) : undefined;
  return {
    method: event.requestContext.http.method.toUpperCase(),
    path,
    query: new URLSearchParams(rawQuery),
    headers,
    cookies: parseCookies(event),
    rawBody: body,
    origin,
    basePath,
    url: `${origin}${basePath}${path}${rawQuery.length > 0 ? `?${rawQuery}` : ''}`,
    secure: origin.startsWith('https:'),
    clientIp: fromViewer ?? parseIp(event.requestContext.http.sourceIp)?.toString(),
    requestId: event.requestContext.requestId,
  };
}
