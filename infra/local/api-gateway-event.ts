import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

/** Text bodies pass as UTF-8; anything else is base64, as API Gateway does. */
const TEXT_TYPES = /^(text\/|application\/(json|x-www-form-urlencoded|javascript)\b)/i;

export interface EventOptions {
  /** Honour the right-most `X-Forwarded-For` address (set when a trusted proxy sits in front). */
  readonly trustProxy: boolean;
  readonly routeKey: string;
}

/** The client address as API Gateway would report it: the socket peer, or the proxy's X-Forwarded-For entry when trusted. */
export function sourceIpOf(request: IncomingMessage, trustProxy: boolean): string {
  const socketIp = request.socket.remoteAddress ?? '127.0.0.1';
  if (!trustProxy) return socketIp;
  const forwarded = request.headers['x-forwarded-for'];
  const value = Array.isArray(forwarded) ? forwarded.join(',') : forwarded;
  const last = value?.split(',').map((part) => part.trim()).filter((part) => part.length > 0).pop();
  return last ?? socketIp;
}

/**
 * Turns a Node request into an API Gateway HTTP API payload-2.0 event: lower-case headers
 * (repeats joined by commas), cookies split out, raw query string kept.
 */
export function toApiGatewayEvent(request: IncomingMessage, body: Buffer, options: EventOptions): APIGatewayProxyEventV2 {
  const url = new URL(request.url ?? '/', 'http://local');
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined || name === 'cookie') continue;
    headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  const cookieHeader = request.headers.cookie;
  const cookies = cookieHeader === undefined ? undefined : cookieHeader.split(';').map((part) => part.trim()).filter(Boolean);
  const rawQueryString = url.search.startsWith('?') ? url.search.slice(1) : '';
  const queryStringParameters: Record<string, string> = {};
  for (const [name, value] of url.searchParams) {
    queryStringParameters[name] = name in queryStringParameters ? `${queryStringParameters[name]},${value}` : value;
  }
  const contentType = headers['content-type'] ?? '';
  const isText = body.length === 0 || TEXT_TYPES.test(contentType) || contentType === '';
  const now = new Date();
  const sourceIp = sourceIpOf(request, options.trustProxy);
  headers['x-forwarded-proto'] = 'http';
  headers['x-forwarded-for'] = sourceIp;
  return {
    version: '2.0',
    routeKey: options.routeKey,
    rawPath: url.pathname,
    rawQueryString,
    cookies,
    headers,
    queryStringParameters: rawQueryString.length > 0 ? queryStringParameters : undefined,
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: request.headers.host ?? 'localhost',
      domainPrefix: (request.headers.host ?? 'localhost').split('.')[0] ?? 'localhost',
      http: {
        method: request.method ?? 'GET',
        path: url.pathname,
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: options.routeKey,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    body: body.length === 0 ? undefined : body.toString(isText ? 'utf8' : 'base64'),
    isBase64Encoded: !isText,
  };
}

/** Writes a payload-2.0 structured result to a Node response (cookies become Set-Cookie headers). */
export function writeApiGatewayResult(response: ServerResponse, result: APIGatewayProxyStructuredResultV2, isHead: boolean): void {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(result.headers ?? {})) headers[name] = String(value);
  if (result.cookies !== undefined && result.cookies.length > 0) headers['set-cookie'] = result.cookies;
  const body = result.body === undefined ? Buffer.alloc(0) : Buffer.from(result.body, result.isBase64Encoded === true ? 'base64' : 'utf8');
  const status = result.statusCode ?? 200;
  if (status !== 204 && status !== 304) headers['content-length'] = String(body.length);
  response.writeHead(status, headers);
  response.end(isHead || status === 204 || status === 304 ? undefined : body);
}
