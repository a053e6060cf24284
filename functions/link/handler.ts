import { linkSessionEndpoint } from '../../layers/core/src/endpoints/link';
import { httpEndpoint } from '../../layers/core/src/http/endpoint';
import { userRuntimeFromEnvironment } from '../../layers/core/src/compose/users';

/** POST /v1/sessions/link: a site's backend links a session to a user (API key). */
export const handler = httpEndpoint(userRuntimeFromEnvironment, { methods: ['POST'], handle: linkSessionEndpoint });
