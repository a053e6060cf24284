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
  /** The absolute URL of this request. */
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
  const host = event.requestContext.domainName ?? headers.host ?? 'localhost';
  const origin = options.publicOrigin ?? `${scheme}://${host}`;
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
    url: `${origin}${options.publicOrigin === undefined ? '' : (options.publicPathPrefix ?? '')}${path}${rawQuery.length > 0 ? `?${rawQuery}` : ''}`,
    secure: origin.startsWith('https:'),
    clientIp: fromViewer ?? parseIp(event.requestContext.http.sourceIp)?.toString(),
    requestId: event.requestContext.requestId,
  };
}
