import { eraseUserEndpoint } from '../../layers/core/src/endpoints/erase';
import { httpEndpoint } from '../../layers/core/src/http/endpoint';
import { runtimeFromEnvironment } from '../../layers/core/src/runtime';

/** DELETE /v1/users/{userId}: erases every stored item of a user (GDPR art. 17, API key). */
export const handler = httpEndpoint(runtimeFromEnvironment, { methods: ['DELETE'], handle: eraseUserEndpoint });
