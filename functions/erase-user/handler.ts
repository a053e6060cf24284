import { eraseUserEndpoint, httpEndpoint, runtimeFromEnvironment } from '@edgeprint/core';

/** DELETE /v1/users/{userId}: erases every stored item of a user (GDPR art. 17, API key). */
export const handler = httpEndpoint(runtimeFromEnvironment, { methods: ['DELETE'], handle: eraseUserEndpoint });
