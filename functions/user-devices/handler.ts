import { userDevices } from '../../layers/core/src/endpoints/users';
import { httpEndpoint } from '../../layers/core/src/http/endpoint';
import { userRuntimeFromEnvironment } from '../../layers/core/src/compose/users';

/** GET /v1/users/{userId}/devices: a user's browsers and request fingerprints, paginated (API key). */
export const handler = httpEndpoint(userRuntimeFromEnvironment, { methods: ['GET', 'HEAD'], handle: userDevices });
