import { statsRealtime } from '../../layers/core/src/endpoints/dashboard';
import { httpEndpoint } from '../../layers/core/src/http/endpoint';
import { baseRuntimeFromEnvironment } from '../../layers/core/src/compose/base';

/** GET /v1/stats/realtime?site=: visitors of a site in the last 5 minutes (API key). */
export const handler = httpEndpoint(baseRuntimeFromEnvironment, { methods: ['GET', 'HEAD'], handle: statsRealtime });
