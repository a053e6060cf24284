import { statsRealtime } from '../../layers/core/src/endpoints/dashboard';
import { httpEndpoint } from '../../layers/core/src/http/endpoint';
import { runtimeFromEnvironment } from '../../layers/core/src/runtime';

/** GET /v1/stats/realtime?site=: visitors of a site in the last 5 minutes (API key). */
export const handler = httpEndpoint(runtimeFromEnvironment, { methods: ['GET', 'HEAD'], handle: statsRealtime });
