import { userSessions } from '../../layers/core/src/endpoints/users';
import { httpEndpoint } from '../../layers/core/src/http/endpoint';
import { userRuntimeFromEnvironment } from '../../layers/core/src/compose/users';

/** GET /v1/users/{userId}/sessions: a user's linked sessions, paginated (API key). */
export const handler = httpEndpoint(userRuntimeFromEnvironment, { methods: ['GET', 'HEAD'], handle: userSessions });
