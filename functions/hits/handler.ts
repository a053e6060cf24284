import { hitCounts, httpEndpoint, runtimeFromEnvironment } from '@edgeprint/core';

/** GET /v1/hits: unique-session hit counts for up to 100 urls. */
export const handler = httpEndpoint(runtimeFromEnvironment, { methods: ['GET', 'HEAD'], handle: hitCounts });
