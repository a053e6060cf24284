import { visitRuntimeFromEnvironment } from '../../layers/core/src/compose/visit';
import { collect } from '../../layers/core/src/endpoints/collect';
import { httpEndpoint } from '../../layers/core/src/http/endpoint';

/** POST /v1/collect: browser fingerprint and page events. */
export const handler = httpEndpoint(visitRuntimeFromEnvironment, {
  methods: ['POST'],
  handle: (request, runtime) => collect(request, runtime, 'collect'),
});
