import { eraseUserEndpoint } from '../../layers/core/src/endpoints/erase';
import { httpEndpoint } from '../../layers/core/src/http/endpoint';
import { userRuntimeFromEnvironment } from '../../layers/core/src/compose/users';

/** DELETE /v1/users/{userId}: erases every stored item of a user (GDPR art. 17, API key). */
export const handler = httpEndpoint(userRuntimeFromEnvironment, { methods: ['DELETE'], handle: eraseUserEndpoint });
