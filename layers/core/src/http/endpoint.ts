import middy from '@middy/core';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { ForbiddenOriginError, MethodNotAllowedError } from '../errors';
import type { Runtime } from '../runtime';
import { errorToResponse, type ErrorFormat } from './errors-to-response';
import { toHttpRequest, type HttpRequest } from './request';
import type { HttpResponse } from './responses';

export interface EndpointSpec {
  /** Methods the route answers; OPTIONS (CORS preflight) is handled here for all of them. */
  readonly methods: readonly string[];
  readonly errorFormat?: ErrorFormat;
  readonly handle: (request: HttpRequest, runtime: Runtime) => Promise<HttpResponse>;
}

type Event = APIGatewayProxyEventV2;
type Request = middy.Request<Event, HttpResponse, Error, Context>;

const requests = new WeakMap<Event, HttpRequest>();

function httpRequestOf(event: Event, runtime: Runtime): HttpRequest {
  let request = requests.get(event);
  if (request === undefined) {
    request = toHttpRequest(event, runtime.config);
    requests.set(event, request);
  }
  return request;
}

/** CORS headers for an allowed cross-origin caller; `*` and echoing any origin are never used. */
function corsHeaders(request: HttpRequest, runtime: Runtime): Record<string, string> | 'forbidden' {
  const origin = request.headers.origin;
  if (origin === undefined) return {};
  const normalized = origin.toLowerCase();
  if (normalized === request.origin.toLowerCase()) return {};
  if (!runtime.config.allowedOrigins.includes(normalized)) return 'forbidden';
  return { 'access-control-allow-origin': origin, 'access-control-allow-credentials': 'true' };
}

/** Answers preflights and refuses browser calls from origins that are not configured. */
function originPolicy(getRuntime: () => Runtime, methods: readonly string[]): middy.MiddlewareObj<Event, HttpResponse> {
  return {
    before: (request: Request) => {
      const runtime = getRuntime();
      const http = httpRequestOf(request.event, runtime);
      const cors = corsHeaders(http, runtime);
      if (cors === 'forbidden') throw new ForbiddenOriginError();
      if (http.method === 'OPTIONS') {
        return {
          statusCode: 204,
          headers: {
            ...cors,
            allow: [...methods, 'OPTIONS'].join(', '),
            'access-control-allow-methods': [...methods, 'OPTIONS'].join(', '),
            'access-control-allow-headers': 'content-type, authorization',
            'access-control-max-age': '600',
            vary: 'origin',
          },
        };
      }
      return undefined;
    },
    after: (request: Request) => {
      const runtime = getRuntime();
      const cors = corsHeaders(httpRequestOf(request.event, runtime), runtime);
      if (request.response !== null && cors !== 'forbidden') {
        request.response.headers = { ...request.response.headers, ...cors, vary: 'origin' };
      }
    },
  };
}

function methodGuard(getRuntime: () => Runtime, methods: readonly string[]): middy.MiddlewareObj<Event, HttpResponse> {
  const allow = [...methods, 'OPTIONS'];
  return {
    before: (request: Request) => {
      const method = httpRequestOf(request.event, getRuntime()).method;
      if (!allow.includes(method)) throw new MethodNotAllowedError(method, allow);
    },
  };
}

/** Maps any error to a response; 5xx details go to the log with the request id, never to the client. */
function errorResponder(getRuntime: () => Runtime, format: ErrorFormat): middy.MiddlewareObj<Event, HttpResponse> {
  return {
    onError: (request: Request) => {
      const error = request.error;
      let runtime: Runtime | undefined;
      try {
        runtime = getRuntime();
      } catch (configError) {
        console.error(JSON.stringify({ level: 'ERROR', message: 'edgeprint failed to start', error: String(configError) }));
      }
      const response = errorToResponse(error, format);
      if (runtime !== undefined) {
        const http = httpRequestOf(request.event, runtime);
        if (response.statusCode >= 500) {
          runtime.logger.error('request failed', { requestId: http.requestId, path: http.path, error: error as Error });
        }
        const cors = corsHeaders(http, runtime);
        if (cors !== 'forbidden') response.headers = { ...response.headers, ...cors, vary: 'origin' };
      }
      request.response = response;
    },
  };
}

/**
 * Wraps an endpoint into a Lambda handler: error mapping, origin policy and method guard around the
 * endpoint's own `handle`. The runtime is resolved lazily so importing a handler module has no side effects.
 * @example export const handler = httpEndpoint(runtimeFromEnvironment, { methods: ['POST'], handle: collect })
 */
export function httpEndpoint(getRuntime: () => Runtime, spec: EndpointSpec) {
  return middy<Event, HttpResponse>()
    .use(errorResponder(getRuntime, spec.errorFormat ?? 'standard'))
    .use(originPolicy(getRuntime, spec.methods))
    .use(methodGuard(getRuntime, spec.methods))
    .handler(async (event: Event) => {
      const runtime = getRuntime();
      return spec.handle(httpRequestOf(event, runtime), runtime);
    });
}
