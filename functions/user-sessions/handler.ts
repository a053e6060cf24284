import { userSessions } from '../../layers/core/src/endpoints/users';
import { httpEndpoint } from '../../layers/core/src/http/endpoint';
import { runtimeFromEnvironment } from '../../layers/core/src/runtime';

/** GET /v1/users/{userId}/sessions: a user's linked sessions, paginated (API key). */
export const handler = httpEndpoint(runtimeFromEnvironment, { methods: ['GET', 'HEAD'], handle: userSessions });
