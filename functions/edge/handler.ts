import type { CloudFrontRequest, CloudFrontRequestEvent } from 'aws-lambda';
// Imported by path, not from '@edgeprint/core': the edge bundle must not pull in the regional core
// (zod, middy, Powertools, the AWS SDK). Lambda@Edge has no layers and no environment variables.
import { loadBakedEdgeConfig, type EdgeConfigLoad } from '../../layers/core/src/edge/baked-config';
import { handleViewerRequest } from '../../layers/core/src/edge/viewer-request';

let config: EdgeConfigLoad | undefined;

/**
 * Lambda@Edge viewer-request handler on the distribution's default behaviour: fingerprints document
 * navigations and stamps `x-edgeprint-*` headers for the origin, failing open. The configuration is
 * baked in at build time (esbuild `define` of `__EDGEPRINT_EDGE_CONFIG__`) and validated once.
 */
export async function handler(event: CloudFrontRequestEvent): Promise<CloudFrontRequest> {
  if (config === undefined) {
    config = loadBakedEdgeConfig();
    if (!config.ok) console.error(JSON.stringify({ level: 'ERROR', message: 'edgeprint edge configuration invalid; passing requests through', error: config.error }));
  }
  // An unusable configuration was logged once at cold start; do not log it again on every request.
  return handleViewerRequest(event, config.ok ? { config } : { config, log: quiet });
}

const quiet = (): void => undefined;
