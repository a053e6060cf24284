import { logActivity } from '../../layers/core/src/endpoints/activity';
import { httpEndpoint } from '../../layers/core/src/http/endpoint';
import { runtimeFromEnvironment } from '../../layers/core/src/runtime';

/** POST /v1/activity: the activity log (djaffar's client API), with its `{"errors": …}` error shape. */
export const handler = httpEndpoint(runtimeFromEnvironment, { methods: ['POST'], errorFormat: 'django', handle: logActivity });
