import { stats } from '../../layers/core/src/endpoints/dashboard';
import { httpEndpoint } from '../../layers/core/src/http/endpoint';
import { runtimeFromEnvironment } from '../../layers/core/src/runtime';

/** GET /v1/stats?site=&from=&to=&dimension=: the dashboard's aggregates as JSON (API key). */
export const handler = httpEndpoint(runtimeFromEnvironment, { methods: ['GET', 'HEAD'], handle: stats });
