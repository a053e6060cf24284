import { eraseSessionEndpoint } from '../../layers/core/src/endpoints/erase';
import { httpEndpoint } from '../../layers/core/src/http/endpoint';
import { runtimeFromEnvironment } from '../../layers/core/src/runtime';

/** DELETE /v1/sessions/{sessionId}: erases every stored item of a session (API key). */
export const handler = httpEndpoint(runtimeFromEnvironment, { methods: ['DELETE'], handle: eraseSessionEndpoint });
