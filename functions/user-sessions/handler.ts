import { httpEndpoint, runtimeFromEnvironment, userSessions } from '@edgeprint/core';

/** GET /v1/users/{userId}/sessions: a user's linked sessions, paginated (API key). */
export const handler = httpEndpoint(runtimeFromEnvironment, { methods: ['GET', 'HEAD'], handle: userSessions });
