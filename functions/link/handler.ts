import { linkSessionEndpoint } from '../../layers/core/src/endpoints/link';
import { httpEndpoint } from '../../layers/core/src/http/endpoint';
import { runtimeFromEnvironment } from '../../layers/core/src/runtime';

/** POST /v1/sessions/link: a site's backend links a session to a user (API key). */
export const handler = httpEndpoint(runtimeFromEnvironment, { methods: ['POST'], handle: linkSessionEndpoint });
