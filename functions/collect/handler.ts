import { collect, httpEndpoint, runtimeFromEnvironment } from '@edgeprint/core';

/** POST /v1/collect: browser fingerprint and page events. */
export const handler = httpEndpoint(runtimeFromEnvironment, {
  methods: ['POST'],
  handle: (request, runtime) => collect(request, runtime, 'collect'),
});
