import { collect, httpEndpoint, redirectPage, runtimeFromEnvironment } from '@edgeprint/core';

/** GET|HEAD /v1/r: the fingerprinting redirect page; POST /v1/r: its browser-fingerprint report. */
export const handler = httpEndpoint(runtimeFromEnvironment, {
  methods: ['GET', 'HEAD', 'POST'],
  handle: (request, runtime) => (request.method === 'POST' ? collect(request, runtime, 'redirect') : redirectPage(request, runtime)),
});
