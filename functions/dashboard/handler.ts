import { dashboard, httpEndpoint, runtimeFromEnvironment } from '@edgeprint/core';

/** GET /dashboard: the dashboard page (or the sign-in form); POST signs in with the API key, or out. */
export const handler = httpEndpoint(runtimeFromEnvironment, { methods: ['GET', 'HEAD', 'POST'], handle: dashboard, origins: 'same-origin' });
