import { baseRuntimeFromEnvironment } from '../../layers/core/src/compose/base';
import { hitCounts } from '../../layers/core/src/endpoints/hits';
import { httpEndpoint } from '../../layers/core/src/http/endpoint';

/** GET /v1/hits: unique-session hit counts for up to 100 urls. */
export const handler = httpEndpoint(baseRuntimeFromEnvironment, { methods: ['GET', 'HEAD'], handle: hitCounts });
