import { Logger } from '@aws-lambda-powertools/logger';
import type { EdgeprintConfig } from '../config';
import type { EndpointRuntime } from '../http/endpoint';
import { fromEnvironment } from './environment';

/**
 * Only config and logger: what `httpEndpoint()` itself uses, for routes that never touch the table
 * (the snippet). No AWS SDK client is built or loaded.
 * @example const runtime = createEndpointRuntime(loadConfig(process.env))
 */
export function createEndpointRuntime(config: EdgeprintConfig): EndpointRuntime {
  return { config, logger: new Logger({ serviceName: 'edgeprint' }) };
}

/** @example httpEndpoint(endpointRuntimeFromEnvironment, { methods: ['GET'], handle: (request) => serveSnippet(request, file) }) */
export const endpointRuntimeFromEnvironment = fromEnvironment(createEndpointRuntime);
