import middy from '@middy/core';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { ForbiddenOriginError, MethodNotAllowedError } from '../errors';
import type { Runtime } from '../runtime';
import { varyWith } from './compression';
import { errorToResponse, type ErrorFormat } from './errors-to-response';
import { toHttpRequest, type HttpRequest } from './request';
import type { HttpResponse } from './responses';

/** What the wrapper itself uses of a runtime; each function composes the rest it needs. */
export type EndpointRuntime = Pick<Runtime, 'config' | 'logger'>;

export interface EndpointSpec<R extends EndpointRuntime = Runtime> {
  /** Methods the route answers; OPTIONS (CORS preflight) is handled here for all of them. */
  readonly methods: readonly string[];
  readonly errorFormat?: ErrorFormat;
  readonly handle: (request: HttpRequest, runtime: R) => Promise<HttpResponse>;
  /**
   * `same-origin`: a browser call from any other origin, configured or not, gets 403 and no CORS
   * grant (the dashboard: its session must not be usable from a partner site).
   * @default 'configured'
   */
  readonly origins?: 'configured' | 'same-origin';
}

type Event = APIGatewayProxyEventV2;
type Request = middy.Request<Event, HttpResponse, Error, Context>;
type Middleware = middy.MiddlewareObj<Event, HttpResponse>;

/** What the first middleware resolved for one invocation. */
interface Resolved {
  readonly runtime: EndpointRuntime;
  readonly http: HttpRequest;
}

const resolved = new WeakMap<Event, Resolved>();

function resolvedOf(request: Request): Resolved {
  const value = resolved.get(request.event);
  if (value === undefined) throw new Error('runtime not resolved');
  return value;
}

/** Resolves the runtime (cold start: config and secrets) and the request view once per invocation. */
function resolveRuntime(getRuntime: () => EndpointRuntime | Promise<EndpointRuntime>): Middleware {
  return {
    before: async (request: Request) => {
      const runtime = await getRuntime();
      resolved.set(request.event, { runtime, http: toHttpRequest(request.event, runtime.config) });
    },
  };
}

/** CORS headers for an allowed cross-origin caller; `*` and echoing any origin are never used. */
type Origins = EndpointSpec['origins'];

function corsHeaders({ http, runtime }: Resolved, origins: Origins = 'configured'): Record<string, string> | 'forbidden' {
  const origin = http.headers.origin;
  if (origin === undefined) return {};
  const normalized = origin.toLowerCase();
  if (normalized === http.origin.toLowerCase()) return {};
  if (origins === 'same-origin' || !runtime.config.allowedOrigins.includes(normalized)) return 'forbidden';
  return { 'access-control-allow-origin': normalized, 'access-control-allow-credentials': 'true' }; // the configured origin, never the client's bytes
}

/** Answers preflights and refuses browser calls from origins that are not configured. */
function originPolicy(methods: readonly string[], origins: Origins): Middleware {
  const allow = [...methods, 'OPTIONS'].join(', ');
  return {
    before: (request: Request) => {
      const current = resolvedOf(request);
      const cors = corsHeaders(current, origins);
      if (cors === 'forbidden') throw new ForbiddenOriginError();
      if (current.http.method !== 'OPTIONS') return undefined;
      return {
        statusCode: 204,
        headers: {
          ...cors,
          allow,
          'access-control-allow-methods': allow,
          'access-control-allow-headers': 'content-type, authorization',
          'access-control-max-age': '600',
          vary: 'origin',
        },
      };
    },
    after: (request: Request) => {
      const cors = corsHeaders(resolvedOf(request), origins);
      if (request.response !== null && cors !== 'forbidden') {
        request.response.headers = { ...request.response.headers, ...cors, vary: varyWith(request.response.headers?.vary, 'origin') };
      }
    },
  };
}

function methodGuard(methods: readonly string[]): Middleware {
  const allow = [...methods, 'OPTIONS'];
  return {
    before: (request: Request) => {
      const method = resolvedOf(request).http.method;
      if (!allow.includes(method)) throw new MethodNotAllowedError(method, allow);
    },
  };
}

/** Maps any error to a response; 5xx details go to the log with the request id, never to the client. */
function errorResponder(format: ErrorFormat, origins: Origins): Middleware {
  return {
    onError: (request: Request) => {
      const error = request.error;
      const response = errorToResponse(error, format);
      const current = resolved.get(request.event);
      if (current === undefined) {
        // The runtime could not start (bad config, unreadable secret): log without it.
        console.error(JSON.stringify({ level: 'ERROR', message: 'edgeprint failed to start', error: String(error) }));
      } else {
        if (response.statusCode >= 500) {
          current.runtime.logger.error('request failed', { requestId: current.http.requestId, path: current.http.path, error: error as Error });
        }
        const cors = corsHeaders(current, origins);
        if (cors !== 'forbidden') response.headers = { ...response.headers, ...cors, vary: varyWith(response.headers.vary, 'origin') };
      }
      request.response = response;
    },
  };
}

/**
 * Wraps an endpoint into a Lambda handler: runtime resolution, error mapping, origin policy and
 * method guard around the endpoint's own `handle`. Importing a handler module has no side effects.
 * The runtime type is the function's own composition (`compose/`), so a handler's bundle holds only what it builds.
 * @example export const handler = httpEndpoint(visitRuntimeFromEnvironment, { methods: ['POST'], handle: (request, runtime) => collect(request, runtime, 'collect') })
 */
export function httpEndpoint<R extends EndpointRuntime>(getRuntime: () => R | Promise<R>, spec: EndpointSpec<R>) {
  return middy<Event, HttpResponse>()
    .use(errorResponder(spec.errorFormat ?? 'standard', spec.origins))
    .use(resolveRuntime(getRuntime))
    .use(originPolicy(spec.methods, spec.origins))
    .use(methodGuard(spec.methods))
    .handler(async (event: Event) => {
      const { http, runtime } = resolved.get(event) as Resolved;
      // The runtime stored for this event is the one getRuntime returned: an R.
      return spec.handle(http, runtime as R);
    });
}
