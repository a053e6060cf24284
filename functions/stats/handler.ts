import { stats } from '../../layers/core/src/endpoints/dashboard';
import { httpEndpoint } from '../../layers/core/src/http/endpoint';
import { baseRuntimeFromEnvironment } from '../../layers/core/src/compose/base';

/** GET /v1/stats?site=&from=&to=&dimension=: the dashboard's aggregates as JSON (API key). */
export const handler = httpEndpoint(baseRuntimeFromEnvironment, { methods: ['GET', 'HEAD'], handle: stats });
