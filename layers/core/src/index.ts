/**
 * The edgeprint core's public surface, for tests, tools and the CLI. Handlers in `functions/` do not
 * import it: they import the narrow modules their route needs by path, with their own composition
 * root from `compose/`, so each Lambda bundle holds only the code it reaches (docs/architecture.md).
 */
export { loadConfig, type EdgeprintConfig, type IpMode, type GpcMode, type PrivacyMode, type Retention } from './config';
export * from './errors';
export { createRuntime, runtimeFromEnvironment, type Runtime, type BaseRuntime, type VisitRuntime } from './runtime';
export { createBaseRuntime } from './compose/base';
export { createVisitRuntime } from './compose/visit';
export { httpEndpoint, type EndpointSpec } from './http/endpoint';
export { toHttpRequest, type HttpRequest } from './http/request';
export type { HttpResponse } from './http/responses';
export { collect } from './endpoints/collect';
export { redirectPage } from './endpoints/redirect';
export { hitCounts } from './endpoints/hits';
export { logActivity } from './endpoints/activity';
export { serveSnippet } from './endpoints/snippet';
export { linkSessionEndpoint } from './endpoints/link';
export { userSessions, userDevices } from './endpoints/users';
export { eraseUserEndpoint, eraseSessionEndpoint } from './endpoints/erase';
export { dashboard, dashboardFiles, stats, statsRealtime } from './endpoints/dashboard';
export { eraseUser, eraseSession, ERASURE_TYPES, type ErasureCounts } from './privacy/erase';
export { sweepExpired } from './privacy/sweep-expired';
export { linkSession } from './store/links/link-session';
export { requestFingerprint, FINGERPRINT_VERSION } from './domain/fingerprint';
export { requestSignals } from './domain/request-signals';
export { resolveRedirectTarget } from './domain/redirect-target';
export { storedIp, networkPrefix } from './domain/ip';
export { recordVisit } from './domain/record-visit';
export type * from './domain/records';
export { createTableContext, type TableContext } from './store/client';
export { dynamoEventStore } from './store/dynamo-event-store';
export { keys, urlHash, ItemType } from './store/keys';
export { TABLE_SCHEMA } from './store/table';
export { forwarderHandler } from './forwarding/forwarder-runtime';
export type { ForwardEvent, Provider } from './forwarding/event';
export { ingestKinesisRecords, ingestLogLine, edgeRulesFromEnvironment, type IngestReport } from './edge/ingest';
export { parseEdgeConfig, parseEdgeRules, edgeConfigDefine, edgeRulesOf, type EdgeConfig, type EdgeRules } from './edge/edge-config';
export { REALTIME_LOG_FIELDS, parseRealtimeLogLine, formatRealtimeLogLine } from './edge/realtime-log';
