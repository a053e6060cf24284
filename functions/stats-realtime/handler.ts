import { httpEndpoint, runtimeFromEnvironment, statsRealtime } from '@edgeprint/core';

/** GET /v1/stats/realtime?site=: visitors of a site in the last 5 minutes (API key). */
export const handler = httpEndpoint(runtimeFromEnvironment, { methods: ['GET', 'HEAD'], handle: statsRealtime });
