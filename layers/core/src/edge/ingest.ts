import { createHash } from 'node:crypto';
import type { KinesisStreamBatchResponse, KinesisStreamRecord } from 'aws-lambda';
import { firstTouch } from '../domain/attribution';
import { requestFingerprint, STABLE_HEADERS } from '../domain/fingerprint';
import { storedIp } from '../domain/ip';
import { canonicalPageUrl } from '../domain/page-url';
import { recordVisit } from '../domain/record-visit';
import type { RequestRecord } from '../domain/records';
import { requestSignals } from '../domain/request-signals';
import { visitorVerdict } from '../domain/visitor-policy';
import { ConfigError } from '../errors';
import { requestFacts } from '../http/request-facts';
import { operatorMetrics } from '../observability/metrics';
import type { BaseRuntime } from '../runtime';
import { botSignal } from './bot-signal';
import { parseEdgeRules, type EdgeRules } from './edge-config';
import { edgeSession } from './edge-session';
import { headerSent, headerValueKnown, parseRealtimeLogLine, REALTIME_LOG_FIELDS, type MalformedReason } from './realtime-log';
import { selectRequest, type SkipReason } from './request-rules';

/** The route name drop counters and logs use for the recording path. */
const ROUTE = 'edge-ingest';

/** Why a log record was read but not recorded. One counter per reason in the batch report. */
export type IngestSkipReason = 'malformed' | 'status' | SkipReason | 'url' | 'bot' | 'gpc' | 'debounced';

export type LineOutcome =
  | { readonly outcome: 'recorded'; readonly hitCounted: boolean; readonly fingerprinted: boolean }
  | { readonly outcome: 'skipped'; readonly reason: IngestSkipReason; readonly malformed?: MalformedReason };

export interface IngestDependencies {
  /** The regional base runtime: store, drop counters, logger, privacy settings and the fingerprint secret. */
  readonly runtime: BaseRuntime;
  /** The same rules the edge function was built with (`EDGEPRINT_EDGE_RULES`). */
  readonly rules: EdgeRules;
  /** The real-time log configuration's fields, in CloudFront's order. */
  readonly fields?: readonly string[];
}

/**
 * Success-only: 2xx. A 304 is left out on purpose: the browser showed a copy it fetched before (that
 * 200 was counted for its session); 3xx redirects are not views, 4xx/5xx failed, 000 was abandoned.
 */
export function isSuccessStatus(status: number): boolean {
  return status >= 200 && status < 300;
}

/**
 * The record's event id, derived from CloudFront's request id so a redelivered log record (Kinesis
 * retries from the failed sequence number) rewrites nothing: every create is conditional on it.
 */
export function edgeEventId(requestId: string): string {
  const hex = createHash('sha256').update(`edgeprint-edge:${requestId}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

const skipped = (reason: IngestSkipReason, malformed?: MalformedReason): LineOutcome => ({ outcome: 'skipped', reason, malformed });

/**
 * One real-time log line through the same domain code as the regional API: success and request
 * rules, bot and GPC verdict, session (cookie or derived, as the edge did), the request fingerprint
 * rebuilt from the logged headers, then `recordVisit()` with a request gate that counts the hit, and
 * the forward event with the response status. Bad records are skipped with a reason, never thrown;
 * only a store failure throws (a retryable ServiceUnavailableError), so the caller can retry.
 * @example await ingestLogLine(line, { runtime, rules }) // { outcome: 'recorded', hitCounted: true, fingerprinted: true }
 */
export async function ingestLogLine(line: string, deps: IngestDependencies): Promise<LineOutcome> {
  const { runtime, rules } = deps;
  const { config } = runtime;
  const parsed = parseRealtimeLogLine(line, deps.fields ?? REALTIME_LOG_FIELDS);
  if (!parsed.ok) return skipped('malformed', parsed.reason);
  const log = parsed.record;
  if (!isSuccessStatus(log.status)) return skipped('status');
  const selection = selectRequest({ method: log.method, uri: log.uri, headers: log.headers }, rules);
  if (!selection.selected) return skipped(selection.reason);
  const url = canonicalPageUrl(`${log.protocol}://${log.host}${log.uri}${log.query === undefined ? '' : `?${log.query}`}`);
  if (url === undefined) return skipped('url');
  if (botSignal(log.headers, (name) => headerSent(log, name)) !== undefined) {
    runtime.drops.count('bot', ROUTE);
    return skipped('bot');
  }
  const verdict = visitorVerdict({ userAgent: log.headers['user-agent'], gpcHeader: log.headers['sec-gpc'], gpcMode: config.gpcMode });
  if (verdict.drop !== undefined) {
    runtime.drops.count(verdict.drop, ROUTE);
    return skipped(verdict.drop);
  }
  const session = edgeSession({
    mode: rules.privacyMode,
    cookieHeader: log.headers.cookie,
    secret: config.fingerprintSecret,
    siteId: rules.siteId,
    ip: log.clientIp,
    userAgent: log.headers['user-agent'],
    at: log.at,
  });
  const fullSignals = requestSignals(log.headers, log.clientIp);
  // A header cut off by the 800-byte cap of cs-headers would give another id than the edge's: store none.
  const reproducible = STABLE_HEADERS.every((name) => headerValueKnown(log, name));
  const record: RequestRecord = {
    kind: 'request',
    eventId: edgeEventId(log.requestId ?? line),
    sessionId: session.id,
    at: log.at,
    url,
    // Country and ASN from CloudFront's own fields only: a viewer can send any country header.
    signals: verdict.anonymous ? undefined : { ...fullSignals, ip: storedIp(log.clientIp, config.ipMode), country: log.country, asn: log.asn },
    fingerprint: verdict.anonymous || !reproducible ? undefined : requestFingerprint(fullSignals, config.fingerprintSecret),
    gpc: verdict.gpc,
    dnt: requestFacts({ headers: log.headers }).dnt,
    status: log.status,
  };
  const outcome = await recordVisit(runtime.store, {
    record,
    sessionIsNew: false,
    firstTouch: firstTouch(url, log.headers.referer),
    debounceSeconds: config.debounceSeconds,
    gate: { url, kind: 'request', countHit: true },
  });
  if (!outcome.recorded) {
    runtime.drops.count(outcome.reason, ROUTE);
    return skipped(outcome.reason);
  }
  operatorMetrics().recorded(ROUTE);
  return { outcome: 'recorded', hitCounted: outcome.hitCounted, fingerprinted: record.fingerprint !== undefined };
}

/** What one batch did, logged once per invocation. */
export interface IngestReport {
  lines: number;
  recorded: number;
  hitsCounted: number;
  /** Recorded without a fingerprint because a stable header was cut from `cs-headers` (or GPC anonymity). */
  withoutFingerprint: number;
  skipped: Partial<Record<IngestSkipReason, number>>;
  malformed: Partial<Record<MalformedReason | 'kinesis-record', number>>;
  /** Kinesis records left for a retry (the first failed one; later ones are redelivered with it). */
  failed: number;
}

export function emptyIngestReport(): IngestReport {
  return { lines: 0, recorded: 0, hitsCounted: 0, withoutFingerprint: 0, skipped: {}, malformed: {}, failed: 0 };
}

function tally(report: IngestReport, outcome: LineOutcome): void {
  report.lines += 1;
  if (outcome.outcome === 'recorded') {
    report.recorded += 1;
    if (outcome.hitCounted) report.hitsCounted += 1;
    if (!outcome.fingerprinted) report.withoutFingerprint += 1;
    return;
  }
  report.skipped[outcome.reason] = (report.skipped[outcome.reason] ?? 0) + 1;
  if (outcome.malformed !== undefined) report.malformed[outcome.malformed] = (report.malformed[outcome.malformed] ?? 0) + 1;
}

/** The log lines one Kinesis record carries (CloudFront writes one per record; a newline-separated batch is read too). */
function linesOf(record: KinesisStreamRecord): string[] | undefined {
  const data = record?.kinesis?.data;
  if (typeof data !== 'string') return undefined;
  const lines = Buffer.from(data, 'base64').toString('utf8').split('\n').filter((line) => line.trim().length > 0);
  return lines.length === 0 ? [''] : lines;
}

/**
 * The Kinesis event source's batch: every line through `ingestLogLine`, in order. Malformed and
 * skipped records are counted and acknowledged (a retry cannot fix them). When a write fails, that
 * record's sequence number is reported in `batchItemFailures` and the batch stops there: Lambda
 * retries a stream from the lowest failed sequence number, and every create is idempotent, so the
 * records after it are simply read again.
 * @example const { response, report } = await ingestKinesisRecords(event.Records, { runtime, rules })
 */
export async function ingestKinesisRecords(
  records: readonly KinesisStreamRecord[],
  deps: IngestDependencies,
): Promise<{ response: KinesisStreamBatchResponse; report: IngestReport }> {
  const report = emptyIngestReport();
  const batchItemFailures: KinesisStreamBatchResponse['batchItemFailures'] = [];
  for (const record of records) {
    const lines = linesOf(record);
    if (lines === undefined) {
      report.malformed['kinesis-record'] = (report.malformed['kinesis-record'] ?? 0) + 1;
      report.skipped.malformed = (report.skipped.malformed ?? 0) + 1;
      continue;
    }
    try {
      for (const line of lines) tally(report, await ingestLogLine(line, deps));
    } catch (error) {
      report.failed += 1;
      batchItemFailures.push({ itemIdentifier: record.kinesis.sequenceNumber });
      deps.runtime.logger.error('edge log record not stored; left for a retry', { sequenceNumber: record.kinesis.sequenceNumber, error: error as Error });
      break;
    }
  }
  return { response: { batchItemFailures }, report };
}

/**
 * The edge rules from `EDGEPRINT_EDGE_RULES` (JSON, the edge configuration without its secret);
 * defaults when unset. Throws ConfigError when it is not valid.
 * @example edgeRulesFromEnvironment(process.env)
 */
export function edgeRulesFromEnvironment(env: Record<string, string | undefined> = process.env): EdgeRules {
  const raw = env.EDGEPRINT_EDGE_RULES;
  if (raw === undefined || raw.trim() === '') return parseEdgeRules({});
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw new ConfigError('Invalid edgeprint configuration: EDGEPRINT_EDGE_RULES must be JSON');
  }
  return parseEdgeRules(value);
}
