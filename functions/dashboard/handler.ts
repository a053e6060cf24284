import { dashboard } from '../../layers/core/src/endpoints/dashboard';
import { httpEndpoint } from '../../layers/core/src/http/endpoint';
import { baseRuntimeFromEnvironment } from '../../layers/core/src/compose/base';

/** GET /dashboard: the dashboard page (or the sign-in form); POST signs in with the API key, or out. */
export const handler = httpEndpoint(baseRuntimeFromEnvironment, { methods: ['GET', 'HEAD', 'POST'], handle: dashboard, origins: 'same-origin' });
