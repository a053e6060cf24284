import { eraseSessionEndpoint } from '../../layers/core/src/endpoints/erase';
import { httpEndpoint } from '../../layers/core/src/http/endpoint';
import { userRuntimeFromEnvironment } from '../../layers/core/src/compose/users';

/** DELETE /v1/sessions/{sessionId}: erases every stored item of a session (API key). */
export const handler = httpEndpoint(userRuntimeFromEnvironment, { methods: ['DELETE'], handle: eraseSessionEndpoint });
