import { httpEndpoint, runtimeFromEnvironment, stats } from '@edgeprint/core';

/** GET /v1/stats?site=&from=&to=&dimension=: the dashboard's aggregates as JSON (API key). */
export const handler = httpEndpoint(runtimeFromEnvironment, { methods: ['GET', 'HEAD'], handle: stats });
