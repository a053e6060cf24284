import { parseIp } from '../domain/ip';

/**
 * The CloudFront real-time log fields the recording path reads, in the order CloudFront writes them.
 * CloudFront always delivers the chosen fields in its own fixed order (the order of the "Fields"
 * list in the CloudFront Developer Guide), whatever order the configuration lists them in, so this
 * list must keep that relative order. The real-time log configuration must select exactly these.
 */
export const REALTIME_LOG_FIELDS = [
  'timestamp',
  'c-ip',
  'sc-status',
  'cs-method',
  'cs-protocol',
  'cs-host',
  'cs-uri-stem',
  'x-edge-request-id',
  'cs-user-agent',
  'cs-referer',
  'cs-cookie',
  'cs-uri-query',
  'c-country',
  'cs-accept-encoding',
  'cs-accept',
  'cs-headers',
  'cs-header-names',
  'cs-headers-count',
  'asn',
] as const;

export type RealtimeLogField = (typeof REALTIME_LOG_FIELDS)[number];

/** CloudFront cuts `cs-headers`, `cs-header-names` and `cs-cookie` at 800 bytes. */
export const REALTIME_LOG_VALUE_CAP = 800;

/** A log line longer than this is not something CloudFront writes for the fields above. */
export const MAX_LOG_LINE = 16 * 1024;

/** One request as the real-time log describes it, decoded. */
export interface RealtimeLogRecord {
  /** When the edge finished responding. */
  readonly at: Date;
  readonly clientIp: string;
  /** The response status; 0 when the viewer hung up before a response (`000`). */
  readonly status: number;
  readonly method: string;
  /** `http`, `https`, `ws` or `wss`. */
  readonly protocol: string;
  /** The Host header the viewer sent (the site's domain when it uses one). */
  readonly host: string;
  /** The path as requested, without the query string. */
  readonly uri: string;
  readonly query?: string;
  /** CloudFront's id of the request (also the viewer-request event's `requestId`). */
  readonly requestId?: string;
  /** Lower-case header names to decoded values: `cs-headers`, with the dedicated fields winning. */
  readonly headers: Readonly<Record<string, string>>;
  /** Lower-case names of every header the viewer sent, as far as `cs-header-names` was not cut. */
  readonly headerNames: readonly string[];
  /** False when `cs-header-names` was cut, so a name missing from it may still have been sent. */
  readonly headerNamesComplete: boolean;
  readonly country?: string;
  readonly asn?: number;
}

export type MalformedReason =
  | 'empty'
  | 'too-long'
  | 'field-count'
  | 'timestamp'
  | 'client-ip'
  | 'status'
  | 'method'
  | 'protocol'
  | 'host'
  | 'uri';

export type RealtimeLogParse =
  | { readonly ok: true; readonly record: RealtimeLogRecord }
  | { readonly ok: false; readonly reason: MalformedReason };

const EMPTY = '-';
const SEPARATOR = /%0A/i;

/** Percent-decodes a field; a malformed escape leaves the text as it is rather than failing the line. */
function decode(value: string): string {
  if (!value.includes('%')) return value;
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

const present = (value: string | undefined): value is string => value !== undefined && value !== EMPTY && value.length > 0;

/**
 * `name:value%0Aname:value%0A…`. A last entry without its `%0A` was cut at 800 bytes: its value is
 * incomplete, so it is dropped rather than trusted.
 */
function parseHeaderList(raw: string | undefined): { entries: [string, string][]; cut: boolean } {
  if (!present(raw)) return { entries: [], cut: false };
  const parts = raw.split(SEPARATOR);
  const cut = parts[parts.length - 1] !== '';
  const whole = parts.slice(0, -1);
  const entries: [string, string][] = [];
  for (const part of whole) {
    const colon = part.indexOf(':');
    if (colon <= 0) continue;
    entries.push([decode(part.slice(0, colon)).trim().toLowerCase(), decode(part.slice(colon + 1))]);
  }
  return { entries, cut };
}

function parseNameList(raw: string | undefined): { names: string[]; cut: boolean } {
  if (!present(raw)) return { names: [], cut: false };
  const parts = raw.split(SEPARATOR);
  const cut = parts[parts.length - 1] !== '';
  return { names: parts.slice(0, -1).map((name) => decode(name).trim().toLowerCase()).filter((name) => name.length > 0), cut };
}

const HOST = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(:\d{1,5})?$/i;

/**
 * Parses one real-time log record (tab-separated, `-` for empty, the documented fields in order)
 * into a typed record. Never throws: anything malformed comes back as a typed failure.
 * @example parseRealtimeLogLine('1700000000.123\t203.0.113.7\t200\tGET\thttps\tshop.example\t/\t…')
 */
export function parseRealtimeLogLine(line: string, fields: readonly string[] = REALTIME_LOG_FIELDS): RealtimeLogParse {
  if (typeof line !== 'string') return { ok: false, reason: 'empty' };
  const text = line.replace(/\r?\n$/, '');
  if (text.trim().length === 0) return { ok: false, reason: 'empty' };
  if (text.length > MAX_LOG_LINE) return { ok: false, reason: 'too-long' };
  const values = text.split('\t');
  if (values.length !== fields.length) return { ok: false, reason: 'field-count' };
  const field = new Map<string, string>();
  fields.forEach((name, index) => field.set(name, values[index] ?? EMPTY));
  const get = (name: RealtimeLogField): string | undefined => {
    const value = field.get(name);
    return present(value) ? value : undefined;
  };

  const timestamp = get('timestamp');
  if (timestamp === undefined || !/^\d{9,11}(\.\d{1,6})?$/.test(timestamp)) return { ok: false, reason: 'timestamp' };
  const at = new Date(Math.round(Number(timestamp) * 1000));
  const clientIp = parseIp(get('c-ip'))?.toString();
  if (clientIp === undefined) return { ok: false, reason: 'client-ip' };
  const statusText = get('sc-status');
  if (statusText === undefined || !/^\d{3}$/.test(statusText)) return { ok: false, reason: 'status' };
  const method = get('cs-method');
  if (method === undefined || !/^[A-Z]{1,16}$/.test(method)) return { ok: false, reason: 'method' };
  const protocol = get('cs-protocol')?.toLowerCase();
  if (protocol === undefined || !['http', 'https', 'ws', 'wss'].includes(protocol)) return { ok: false, reason: 'protocol' };
  const host = get('cs-host')?.toLowerCase();
  if (host === undefined || host.length > 255 || !HOST.test(host)) return { ok: false, reason: 'host' };
  const stem = get('cs-uri-stem');
  if (stem === undefined || !stem.startsWith('/') || stem.length > 4096 || /[\s\\]/.test(stem)) return { ok: false, reason: 'uri' };
  // Older documentation describes the real-time `cs-uri-stem` with the query string attached.
  const question = stem.indexOf('?');
  const uri = question >= 0 ? stem.slice(0, question) : stem;
  const query = get('cs-uri-query') ?? (question >= 0 && question < stem.length - 1 ? stem.slice(question + 1) : undefined);

  const headers: Record<string, string> = {};
  for (const [name, value] of parseHeaderList(get('cs-headers')).entries) {
    headers[name] = name in headers ? `${headers[name]},${value}` : value;
  }
  const dedicated: [RealtimeLogField, string][] = [
    ['cs-user-agent', 'user-agent'],
    ['cs-referer', 'referer'],
    ['cs-cookie', 'cookie'],
    ['cs-accept-encoding', 'accept-encoding'],
    ['cs-accept', 'accept'],
  ];
  for (const [from, name] of dedicated) {
    const value = get(from);
    // The dedicated fields are not subject to the cut of cs-headers (cs-cookie has its own).
    if (value !== undefined) headers[name] = decode(value);
  }
  const names = parseNameList(get('cs-header-names'));
  const countText = get('cs-headers-count');
  const count = countText !== undefined && /^\d{1,4}$/.test(countText) ? Number(countText) : undefined;
  const country = get('c-country')?.toUpperCase();
  const asnText = get('asn');
  return {
    ok: true,
    record: {
      at,
      clientIp,
      status: Number(statusText),
      method,
      protocol,
      host,
      uri,
      query,
      requestId: get('x-edge-request-id'),
      headers,
      headerNames: names.names,
      headerNamesComplete: !names.cut && (count === undefined || names.names.length >= count),
      country: country !== undefined && /^[A-Z]{2}$/.test(country) ? country : undefined,
      asn: asnText !== undefined && /^\d{1,10}$/.test(asnText) ? Number(asnText) : undefined,
    },
  };
}

/**
 * Whether the viewer sent a header: it has a value, or `cs-header-names` lists it, or that list was
 * cut so nobody can say it was not sent.
 */
export function headerSent(record: RealtimeLogRecord, name: string): boolean {
  if ((record.headers[name] ?? '').length > 0) return true;
  return record.headerNames.includes(name) || !record.headerNamesComplete;
}

/** Whether the header's value is known exactly: it has one, or it was certainly not sent. */
export function headerValueKnown(record: RealtimeLogRecord, name: string): boolean {
  return record.headers[name] !== undefined || !headerSent(record, name);
}

/** A request and its response as the local edge proxy saw them, to be written as a log line. */
export interface RealtimeLogEntry {
  readonly at: Date;
  readonly clientIp: string;
  readonly status: number;
  readonly method: string;
  readonly protocol: 'http' | 'https';
  readonly host: string;
  readonly uri: string;
  readonly query?: string;
  readonly requestId: string;
  /** The viewer's headers in the order sent, names as sent. */
  readonly headers: readonly (readonly [string, string])[];
  readonly country?: string;
  readonly asn?: number;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Percent-encodes as CloudFront does for header fields: spaces, quotes, `%`, controls and non-ASCII. */
export function encodeLogValue(value: string): string {
  return encodeURI(value.replace(LONE_SURROGATE, '\uFFFD')).replace(/#/g, '%23');
}

/** For the path and query, which arrive percent-encoded already: escapes only what would break the line. */
function escapeUnsafe(value: string): string {
  return value.replace(LONE_SURROGATE, '\uFFFD').replace(/[\x00-\x20\x7f"<>\\^`{|}\u{80}-\u{10FFFF}]/gu, (char) => encodeURIComponent(char));
}

/** Cuts at `cap` UTF-8 bytes (the fields are ASCII once encoded). */
function cut(value: string, cap: number): string {
  return value.length > cap ? value.slice(0, cap) : value;
}

/**
 * Writes a real-time log line in CloudFront's format, for the local edge proxy and the tests. The
 * header fields are cut at 800 bytes as CloudFront cuts them, so the local recording path meets the
 * same limits as the real one.
 * @example formatRealtimeLogLine({ at, clientIp, status: 200, method: 'GET', protocol: 'http', host, uri: '/', requestId, headers })
 */
export function formatRealtimeLogLine(entry: RealtimeLogEntry, fields: readonly string[] = REALTIME_LOG_FIELDS): string {
  const first = (name: string) => entry.headers.find(([key]) => key.toLowerCase() === name)?.[1];
  const cookies = entry.headers.filter(([key]) => key.toLowerCase() === 'cookie').map(([, value]) => value);
  const orDash = (value: string | undefined) => (value === undefined || value.length === 0 ? EMPTY : value);
  const encoded = (value: string | undefined) => orDash(value === undefined ? undefined : encodeLogValue(value));
  const listed = entry.headers.filter(([key]) => key.toLowerCase() !== 'cookie');
  const values: Record<RealtimeLogField, string> = {
    timestamp: (entry.at.getTime() / 1000).toFixed(3),
    'c-ip': entry.clientIp,
    'sc-status': String(entry.status).padStart(3, '0'),
    'cs-method': entry.method,
    'cs-protocol': entry.protocol,
    'cs-host': entry.host,
    'cs-uri-stem': orDash(escapeUnsafe(entry.uri)),
    'x-edge-request-id': entry.requestId,
    'cs-user-agent': encoded(first('user-agent')),
    'cs-referer': encoded(first('referer')),
    'cs-cookie': orDash(cut(cookies.length === 0 ? '' : encodeLogValue(cookies.join('; ')), REALTIME_LOG_VALUE_CAP)),
    'cs-uri-query': orDash(entry.query === undefined ? undefined : escapeUnsafe(entry.query)),
    'c-country': orDash(entry.country),
    'cs-accept-encoding': encoded(first('accept-encoding')),
    'cs-accept': encoded(first('accept')),
    'cs-headers': orDash(cut(listed.map(([key, value]) => `${encodeLogValue(key)}:${encodeLogValue(value)}%0A`).join(''), REALTIME_LOG_VALUE_CAP)),
    'cs-header-names': orDash(cut(entry.headers.map(([key]) => `${encodeLogValue(key)}%0A`).join(''), REALTIME_LOG_VALUE_CAP)),
    'cs-headers-count': String(entry.headers.length),
    asn: entry.asn === undefined ? EMPTY : String(entry.asn),
  };
  return fields.map((name) => (name in values ? values[name as RealtimeLogField] : EMPTY)).join('\t');
}
