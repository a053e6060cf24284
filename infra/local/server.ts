import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { ROUTES, type FunctionName } from '../routes';
import { toApiGatewayEvent, writeApiGatewayResult } from './api-gateway-event';

export type LambdaHttpHandler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

/** A route the local server answers itself (the demo site), outside the API. */
export type LocalPage = (request: IncomingMessage, response: ServerResponse) => boolean;

export interface LocalServerOptions {
  readonly handlers: Record<FunctionName, LambdaHttpHandler>;
  readonly trustProxy: boolean;
  readonly pages?: LocalPage;
  /** Bodies larger than this are cut off with 413 before any handler runs (API Gateway's limit is 10 MB). */
  readonly maxRequestBytes?: number;
}

function lambdaContext(functionName: string, requestId: string): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
    memoryLimitInMB: '256',
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    // API Gateway's 30 s integration limit, not a Lambda timeout: here all requests share one process, so
    // waiting behind concurrent requests would count against a per-function deadline (in Lambda it does not).
    getRemainingTimeInMillis: () => 30000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

function readBody(request: IncomingMessage, limit: number): Promise<Buffer | 'too-large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) tooLarge = true;
      else chunks.push(chunk);
    });
    request.on('end', () => resolve(tooLarge ? 'too-large' : Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

function decoded(parameters: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(parameters).map(([name, value]) => {
      try {
        return [name, decodeURIComponent(value)];
      } catch {
        return [name, value];
      }
    }),
  );
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

/**
 * The local stand-in for API Gateway: it only turns Node requests into payload-2.0 events and
 * calls the real handler modules. No route logic lives here.
 */
/** A route matched as API Gateway does: an exact path first, then `{param}` templates segment by segment. */
export function matchLocalRoute(path: string): { route: (typeof ROUTES)[number]; pathParameters?: Record<string, string> } | undefined {
  const exact = ROUTES.find((route) => route.path === path);
  if (exact !== undefined) return { route: exact };
  const segments = path.split('/');
  for (const route of ROUTES) {
    const template = route.path.split('/');
    if (!route.path.includes('{') || template.length !== segments.length) continue;
    const pathParameters: Record<string, string> = {};
    const fits = template.every((part, index) => {
      const name = /^\{(\w+)\}$/.exec(part)?.[1];
      const given = segments[index] ?? '';
      if (name === undefined) return part === given;
      if (given.length === 0) return false;
      pathParameters[name] = given;
      return true;
    });
    if (fits) return { route, pathParameters };
  }
  return undefined;
}

/** Requests each server is still handling, so a shutdown can let them finish before the store closes. */
const inFlight = new WeakMap<Server, Set<Promise<void>>>();

/** Servers shutting down: new requests on kept-alive connections are refused, answers close their connection. */
const draining = new WeakSet<Server>();

/** Resolves once every request the server had started has finished (call after `server.close()`). */
export async function requestsSettled(server: Server): Promise<void> {
  const pending = inFlight.get(server);
  while (pending !== undefined && pending.size > 0) await Promise.allSettled([...pending]);
}

/**
 * Stops the server within a deadline: no new connections, idle kept-alive ones closed, requests
 * already started answered (with `Connection: close`), requests that arrive meanwhile on a busy
 * connection refused with 503 + Retry-After (nothing of theirs stored), and whatever is still open at
 * the deadline cut. Resolves true when every started request finished in time.
 * @example const clean = await shutdownServer(server, 10_000)
 */
export async function shutdownServer(server: Server, deadlineMs: number): Promise<boolean> {
  draining.add(server);
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), deadlineMs);
  });
  const settled = await Promise.race([requestsSettled(server).then(() => true as const), deadline]);
  clearTimeout(timer);
  server.closeAllConnections();
  await closed;
  return settled;
}

export function createLocalServer(options: LocalServerOptions): Server {
  const maxRequestBytes = options.maxRequestBytes ?? 1024 * 1024;
  const pending = new Set<Promise<void>>();
  const server = createServer((request, response) => {
    if (draining.has(server)) {
      request.resume();
      response.setHeader('connection', 'close');
      response.setHeader('retry-after', '1');
      sendJson(response, 503, { error: { code: 'shutting_down', message: 'The server is shutting down; retry shortly' } });
      return;
    }
    const handling: Promise<void> = (async () => {
      try {
        const path = new URL(request.url ?? '/', 'http://local').pathname;
        const match = matchLocalRoute(path);
        const functionName: FunctionName | undefined = match?.route.functionName;
        if (match === undefined || functionName === undefined) {
          if (options.pages?.(request, response) === true) return;
          request.resume();
          sendJson(response, 404, { error: { code: 'not_found', message: 'Not found' } });
          return;
        }
        const body = await readBody(request, maxRequestBytes);
        if (body === 'too-large') {
          sendJson(response, 413, { error: { code: 'payload_too_large', message: 'Request body too large' } });
          return;
        }
        const routed = toApiGatewayEvent(request, body, { trustProxy: options.trustProxy, routeKey: `ANY ${match.route.path}` });
        // API Gateway hands path parameters over decoded; the handlers read the raw path themselves.
        const event = match.pathParameters === undefined ? routed : { ...routed, pathParameters: decoded(match.pathParameters) };
        const result = await options.handlers[functionName](event, lambdaContext(functionName, event.requestContext.requestId));
        if (draining.has(server)) response.setHeader('connection', 'close');
        writeApiGatewayResult(response, result, request.method === 'HEAD');
      } catch (error) {
        // Mirrors API Gateway's answer when an integration fails: generic, no details.
        console.error(JSON.stringify({ level: 'ERROR', message: 'local integration failed', error: String(error) }));
        if (!response.headersSent) sendJson(response, 500, { error: { code: 'internal_error', message: 'Internal error' } });
        else response.destroy();
      }
    })();
    pending.add(handling);
    void handling.finally(() => pending.delete(handling));
  });
  inFlight.set(server, pending);
  return server;
}

export async function listen(server: Server, port: number, host: string): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${shownHost}:${address.port}`;
}
