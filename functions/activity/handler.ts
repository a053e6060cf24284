import { httpEndpoint, logActivity, runtimeFromEnvironment } from '@edgeprint/core';

/** POST /v1/activity: the activity log (djaffar's client API), with its `{"errors": …}` error shape. */
export const handler = httpEndpoint(runtimeFromEnvironment, { methods: ['POST'], errorFormat: 'django', handle: logActivity });
