import { visitRuntimeFromEnvironment } from '../../layers/core/src/compose/visit';
import { collect } from '../../layers/core/src/endpoints/collect';
import { redirectPage } from '../../layers/core/src/endpoints/redirect';
import { httpEndpoint } from '../../layers/core/src/http/endpoint';

/** GET|HEAD /v1/r: the fingerprinting redirect page; POST /v1/r: its browser-fingerprint report. */
export const handler = httpEndpoint(visitRuntimeFromEnvironment, {
  methods: ['GET', 'HEAD', 'POST'],
  handle: (request, runtime) => (request.method === 'POST' ? collect(request, runtime, 'redirect') : redirectPage(request, runtime)),
});
