import { eraseSessionEndpoint, httpEndpoint, runtimeFromEnvironment } from '@edgeprint/core';

/** DELETE /v1/sessions/{sessionId}: erases every stored item of a session (API key). */
export const handler = httpEndpoint(runtimeFromEnvironment, { methods: ['DELETE'], handle: eraseSessionEndpoint });
