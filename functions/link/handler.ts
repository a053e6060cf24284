import { httpEndpoint, linkSessionEndpoint, runtimeFromEnvironment } from '@edgeprint/core';

/** POST /v1/sessions/link: a site's backend links a session to a user (API key). */
export const handler = httpEndpoint(runtimeFromEnvironment, { methods: ['POST'], handle: linkSessionEndpoint });
