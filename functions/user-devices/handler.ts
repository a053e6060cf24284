import { httpEndpoint, runtimeFromEnvironment, userDevices } from '@edgeprint/core';

/** GET /v1/users/{userId}/devices: a user's browsers and request fingerprints, paginated (API key). */
export const handler = httpEndpoint(runtimeFromEnvironment, { methods: ['GET', 'HEAD'], handle: userDevices });
