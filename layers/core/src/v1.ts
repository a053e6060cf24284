/**
 * edgeprint's public v1 API (`import { fingerprint, recordRequest, createClient } from 'edgeprint/v1'`):
 * the `fingerprint()` middleware and `recordRequest()` for your own API Gateway Lambdas, and a
 * typed client for the HTTP API. Everything else in the package is internal and may change.
 */
export { fingerprint, type FingerprintOptions, type FingerprintContext } from './sdk/fingerprint';
export { recordRequest, type RecordRequestOptions, type RecordedRequest, type ApiGatewayEvent } from './sdk/record-request';
export {
  createClient,
  EdgeprintClientError,
  URLS_PER_REQUEST,
  type ClientOptions,
  type EdgeprintClient,
  type PageOptions,
  type UserSession,
  type UserDevice,
  type UserSessionsPage,
  type UserDevicesPage,
  type LinkResult,
  type ErasureResult,
} from './sdk/client';
export type { RequestFingerprint } from './domain/fingerprint';
export type { DropReason } from './domain/visitor-policy';
