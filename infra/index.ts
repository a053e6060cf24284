/**
 * edgeprint for other CDK apps: `import { Edgeprint } from 'edgeprint/infra'`.
 * @example
 * new Edgeprint(this, 'Edgeprint', {
 *   allowedOrigins: ['https://shop.example'],
 *   allowedRedirectHosts: ['shop.example'],
 *   siteOrigin: 'origin.shop.example', // optional: CloudFront + Lambda@Edge in front of the site
 * });
 */
export { Edgeprint, type EdgeprintProps } from './lib/edgeprint';
export { EdgeprintDistribution, type EdgeprintDistributionProps } from './lib/constructs/edgeprint-distribution';
export { EdgeprintConfigError, resolveSettings, type EdgeprintSettings, type EdgeprintSettingsInput } from './lib/config';
export { RealtimeLogToIngest, type RealtimeLogToIngestProps } from './lib/constructs/realtime-log-to-ingest';
export { readEdgeSecret } from './lib/edge-build';
