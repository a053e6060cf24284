import { userDevices } from '../../layers/core/src/endpoints/users';
import { httpEndpoint } from '../../layers/core/src/http/endpoint';
import { runtimeFromEnvironment } from '../../layers/core/src/runtime';

/** GET /v1/users/{userId}/devices: a user's browsers and request fingerprints, paginated (API key). */
export const handler = httpEndpoint(runtimeFromEnvironment, { methods: ['GET', 'HEAD'], handle: userDevices });
