/**
 * Google Analytics 4 Measurement Protocol adapter.
 *
 * Protocol facts (developers.google.com/analytics/devguides/collection/protocol/ga4, "reference"
 * and "sending-events", and support.google.com/analytics/answer/13316687 for naming rules):
 * - POST https://www.google-analytics.com/mp/collect?measurement_id=…&api_secret=… with a JSON body;
 *   EU processing at https://region1.google-analytics.com; validation at /debug/mp/collect,
 *   which answers `{ validationMessages: [...] }`.
 * - The endpoint answers 2xx even for malformed or ignored events, so we validate here.
 * - Limits: ≤ 25 events per request, ≤ 25 params per event, event and param names ≤ 40 chars of
 *   letters, digits and underscores starting with a letter, param values ≤ 100 chars (page_location
 *   ≤ 1000, page_referrer ≤ 420, page_title ≤ 300), body < 130 kB, events backdated ≤ 72 h.
 * - Reserved event names (e.g. session_start, first_visit, user_engagement) and the param/event
 *   prefixes `_`, `firebase_`, `ga_`, `google_`, `gtag.` must not be used.
 * - `session_id` and `engagement_time_msec` params make events count in session reports.
 * - Top-level `ip_override`, `user_location`, `device` and `user_id` describe the user of a request;
 *   the device object has no raw user-agent field, so we send only a coarse category and language.
 */
import { ProviderRelayError, type ForwardEvent, type HttpPost, type Provider } from '../event';
import { parseIp } from '../../domain/ip';
import { chunk, DEFAULT_TIMEOUT_MS, digest, epochMs, httpUrl, relayGroups, relayPost, traceId, truncate, type DropHook } from './relay';

export interface Ga4Options {
  /** The data stream's measurement id, `G-XXXXXXX`. */
  readonly measurementId: string;
  /** A Measurement Protocol API secret of that stream. Never logged. */
  readonly apiSecret: string;
  /** `eu` sends to region1.google-analytics.com so data is processed in the EU. @default 'global' */
  readonly region?: 'eu' | 'global';
  /** Posts to /debug/mp/collect and turns its validation messages into a non-retryable error. @default false */
  readonly debug?: boolean;
  /** Sends the stored (already reduced) IP as `ip_override` for geolocation. @default false */
  readonly sendIp?: boolean;
  /** Salt of the derived client_id; defaults to the measurement id, so ids differ per property. */
  readonly clientIdSalt?: string;
  /** We do not measure engagement; GA4 needs a positive value for Realtime and session reports. @default 1 */
  readonly engagementTimeMsec?: number;
  /** Overrides the origin (tests point it at a loopback stub). */
  readonly endpoint?: string;
  /** @default 5000 */
  readonly timeoutMs?: number;
  readonly onDrop?: DropHook;
  readonly now?: () => number;
}

export const GA4_MAX_EVENTS_PER_REQUEST = 25;
export const GA4_MAX_PARAMS_PER_EVENT = 25;
export const GA4_MAX_NAME_LENGTH = 40;
export const GA4_MAX_VALUE_LENGTH = 100;
export const GA4_MAX_USER_ID_LENGTH = 256;
export const GA4_MAX_BODY_BYTES = 130_000;
const MAX_BACKDATE_MS = 72 * 3600 * 1000;

/** Param values with documented longer limits. */
export const GA4_LONG_PARAM_LIMITS: Readonly<Record<string, number>> = { page_location: 1000, page_referrer: 420, page_title: 300 };

/** Event names GA4 reserves (Measurement Protocol reference and the web naming rules). */
export const GA4_RESERVED_EVENT_NAMES: ReadonlySet<string> = new Set([
  'ad_activeview', 'ad_click', 'ad_exposure', 'ad_impression', 'ad_query', 'ad_reward', 'adunit_exposure',
  'app_background', 'app_clear_data', 'app_exception', 'app_install', 'app_remove', 'app_store_refund',
  'app_store_subscription_cancel', 'app_store_subscription_convert', 'app_store_subscription_renew',
  'app_update', 'app_upgrade', 'click', 'dynamic_link_app_open', 'dynamic_link_app_update',
  'dynamic_link_first_open', 'error', 'file_download', 'firebase_campaign', 'firebase_in_app_message_action',
  'firebase_in_app_message_dismiss', 'firebase_in_app_message_impression', 'first_open', 'first_visit',
  'form_start', 'form_submit', 'in_app_purchase', 'notification_dismiss', 'notification_foreground',
  'notification_open', 'notification_receive', 'os_update', 'scroll', 'session_start',
  'session_start_with_rollout', 'user_engagement', 'video_complete', 'video_progress', 'video_start',
  'view_complete', 'view_search_results',
]);
/** Params we set ourselves, plus the ones GA4 reserves; custom props with these names are dropped. */
export const GA4_RESERVED_PARAM_NAMES: ReadonlySet<string> = new Set([
  'session_id', 'engagement_time_msec', 'page_location', 'page_referrer', 'page_title', 'activity_path',
  'firebase_conversion', 'gclid', 'session_number',
]);
export const GA4_RESERVED_PREFIXES: readonly string[] = ['_', 'firebase_', 'ga_', 'google_', 'gtag.'];

const NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_]{0,39}$/;

/** Whether a name is a valid, unreserved GA4 event name. */
export function isValidGa4EventName(name: string): boolean {
  return NAME_PATTERN.test(name) && !GA4_RESERVED_EVENT_NAMES.has(name) && !GA4_RESERVED_PREFIXES.some((p) => name.startsWith(p));
}

/** Whether a name is a valid GA4 custom param name (not reserved, not one of ours). */
export function isValidGa4ParamName(name: string): boolean {
  return NAME_PATTERN.test(name) && !GA4_RESERVED_PARAM_NAMES.has(name) && !GA4_RESERVED_PREFIXES.some((p) => name.startsWith(p));
}

/**
 * Repairs an event name: other characters become `_`, names must start with a letter, reserved
 * names and prefixes get an `ev_` prefix, at most 40 chars. Undefined when nothing usable is left.
 * @example ga4EventName('pageview') // 'page_view'
 * @example ga4EventName('session_start') // 'ev_session_start'
 */
export function ga4EventName(event: Pick<ForwardEvent, 'kind' | 'name'>): string | undefined {
  if (event.kind === 'pageview' || event.kind === 'request') return 'page_view';
  let name = event.name.replace(/[^A-Za-z0-9_]/g, '_');
  if (name.replace(/_/g, '').length === 0) return undefined;
  if (!/^[A-Za-z]/.test(name) || GA4_RESERVED_EVENT_NAMES.has(name) || GA4_RESERVED_PREFIXES.some((p) => name.startsWith(p))) {
    name = `ev_${name}`;
  }
  return name.slice(0, GA4_MAX_NAME_LENGTH);
}

function customParamName(key: string): string | undefined {
  const name = key.replace(/[^A-Za-z0-9_]/g, '_').slice(0, GA4_MAX_NAME_LENGTH);
  return isValidGa4ParamName(name) ? name : undefined;
}

/**
 * The GA4 client_id: two uint32 from a salted SHA-256 of our visitor id (else the session id), in
 * gtag's `number.number` shape. Never the raw value: a FingerprintJS visitorId is the same on every
 * site that runs it, so sending it raw would let properties join their users.
 */
export function ga4ClientId(event: Pick<ForwardEvent, 'visitorId' | 'sessionId'>, salt: string): string | undefined {
  const basis = event.visitorId !== undefined && event.visitorId.length > 0 ? `v:${event.visitorId}`
    : event.sessionId !== undefined && event.sessionId.length > 0 ? `s:${event.sessionId}` : undefined;
  if (basis === undefined) return undefined;
  const hash = digest(salt, basis);
  return `${hash.readUInt32BE(0)}.${hash.readUInt32BE(4)}`;
}

/** GA4 session_id: a uint32 derived from our session id (our cookie value never leaves), else the session start in seconds. */
export function ga4SessionId(event: Pick<ForwardEvent, 'sessionId' | 'sessionStartedAt'>, salt: string): string | undefined {
  if (event.sessionId !== undefined && event.sessionId.length > 0) return String(digest(`${salt}:session`, event.sessionId).readUInt32BE(0));
  const started = epochMs(event.sessionStartedAt);
  return started === undefined ? undefined : String(Math.floor(started / 1000));
}

/** Coarse device category from a user agent; GA4's device object has no raw user-agent field. */
export function deviceCategory(userAgent: string | undefined): 'mobile' | 'tablet' | 'desktop' | undefined {
  if (userAgent === undefined || userAgent.length === 0) return undefined;
  if (/iPad|Tablet|PlayBook|Silk|(Android(?!.*Mobile))/i.test(userAgent)) return 'tablet';
  if (/Mobi|iPhone|iPod|Android|Windows Phone/i.test(userAgent)) return 'mobile';
  return 'desktop';
}

type Ga4Value = string | number;
interface Ga4Event {
  name: string;
  timestamp_micros: number;
  params: Record<string, Ga4Value>;
}
interface Ga4Context {
  client_id: string;
  user_id?: string;
  ip_override?: string;
  user_location?: { country_id: string };
  device?: { category?: string; language?: string };
}
interface Ga4Group {
  context: Ga4Context;
  events: Ga4Event[];
  eventIds: string[];
}

function paramValue(name: string, value: string | number | boolean): Ga4Value | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  const text = typeof value === 'boolean' ? String(value) : value;
  return truncate(text, GA4_LONG_PARAM_LIMITS[name] ?? GA4_MAX_VALUE_LENGTH);
}

/**
 * Builds a Provider for GA4's Measurement Protocol: events grouped per user context, ≤ 25 per
 * request (split further if a body would reach 130 kB), names and params repaired or dropped.
 * @example const ga4 = ga4Provider({ measurementId: 'G-ABC123', apiSecret }, httpPost)
 */
export function ga4Provider(options: Ga4Options, post: HttpPost): Provider {
  const name = 'ga4';
  const origin = (options.endpoint ?? (options.region === 'eu' ? 'https://region1.google-analytics.com' : 'https://www.google-analytics.com')).replace(/\/+$/, '');
  const path = options.debug === true ? '/debug/mp/collect' : '/mp/collect';
  const url = `${origin}${path}?measurement_id=${encodeURIComponent(options.measurementId)}&api_secret=${encodeURIComponent(options.apiSecret)}`;
  const salt = options.clientIdSalt ?? options.measurementId;
  const engagement = Math.max(1, Math.floor(options.engagementTimeMsec ?? 1));
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const now = options.now ?? Date.now;
  const drop = (reason: string, event: ForwardEvent) => options.onDrop?.(reason, event.eventId);

  function toGa4(event: ForwardEvent, nowMs: number): { context: Ga4Context; event: Ga4Event } | string {
    const clientId = ga4ClientId(event, salt);
    if (clientId === undefined) return 'no_client_id';
    const eventName = ga4EventName(event);
    if (eventName === undefined) return 'invalid_name';
    const at = epochMs(event.at) ?? nowMs;
    if (nowMs - at > MAX_BACKDATE_MS) return 'too_old';

    const params: Record<string, Ga4Value> = {};
    const sessionId = ga4SessionId(event, salt);
    if (sessionId !== undefined) params.session_id = sessionId;
    params.engagement_time_msec = engagement;
    const location = httpUrl(event.url);
    const referrer = httpUrl(event.referrer);
    if (location !== undefined) params.page_location = paramValue('page_location', location) as string;
    if (referrer !== undefined) params.page_referrer = paramValue('page_referrer', referrer) as string;
    if (event.title !== undefined && event.title.length > 0) params.page_title = paramValue('page_title', event.title) as string;
    if (event.kind === 'activity' && event.path !== undefined && event.path.length > 0) params.activity_path = paramValue('activity_path', event.path) as string;
    for (const [key, raw] of Object.entries(event.props ?? {})) {
      if (Object.keys(params).length >= GA4_MAX_PARAMS_PER_EVENT) break;
      const param = customParamName(key);
      if (param === undefined || Object.hasOwn(params, param)) continue;
      const value = paramValue(param, raw);
      if (value !== undefined) params[param] = value;
    }

    const context: Ga4Context = { client_id: clientId };
    if (event.userId !== undefined && event.userId.length > 0 && event.userId.length <= GA4_MAX_USER_ID_LENGTH) context.user_id = truncate(event.userId, GA4_MAX_USER_ID_LENGTH);
    if (options.sendIp === true) {
      const ip = parseIp(event.ip);
      if (ip !== undefined) context.ip_override = ip.toString();
    }
    if (event.country !== undefined && /^[A-Za-z]{2}$/.test(event.country)) context.user_location = { country_id: event.country.toUpperCase() };
    const category = deviceCategory(event.userAgent);
    const language = event.language !== undefined && /^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8}){0,2}$/.test(event.language) ? event.language : undefined;
    if (category !== undefined || language !== undefined) context.device = { ...(category && { category }), ...(language && { language }) };
    return { context, event: { name: eventName, timestamp_micros: Math.min(at, nowMs) * 1000, params } };
  }

  function bodyOf(group: Ga4Group): string {
    const earliest = Math.min(...group.events.map((e) => e.timestamp_micros));
    return JSON.stringify({
      ...group.context,
      timestamp_micros: earliest,
      ...(options.debug === true && { validation_behavior: 'ENFORCE_RECOMMENDATIONS' }),
      events: group.events,
    });
  }

  /** Halves a group until its body is under the size limit. */
  function sized(group: Ga4Group): Ga4Group[] {
    if (group.events.length <= 1 || Buffer.byteLength(bodyOf(group)) < GA4_MAX_BODY_BYTES) return [group];
    const half = Math.ceil(group.events.length / 2);
    return [
      ...sized({ context: group.context, events: group.events.slice(0, half), eventIds: group.eventIds.slice(0, half) }),
      ...sized({ context: group.context, events: group.events.slice(half), eventIds: group.eventIds.slice(half) }),
    ];
  }

  async function sendGroup(group: Ga4Group): Promise<void> {
    const { body } = await relayPost(name, post, url, {
      headers: { 'content-type': 'application/json', 'x-edgeprint-event-ids': group.eventIds.map(traceId).join(',') },
      body: bodyOf(group),
      timeoutMs,
    }, now);
    if (options.debug !== true) return;
    let messages: unknown[] = [];
    try {
      const parsed = JSON.parse(body) as { validationMessages?: unknown };
      if (Array.isArray(parsed.validationMessages)) messages = parsed.validationMessages;
    } catch {
      throw new ProviderRelayError(name, 'debug endpoint answered with invalid JSON', { retryable: false });
    }
    if (messages.length > 0) {
      const summary = messages.slice(0, 5).map((m) => {
        const { fieldPath, description, validationCode } = (m ?? {}) as Record<string, unknown>;
        return [validationCode, fieldPath, description].filter((part) => typeof part === 'string').map((part) => (part as string).slice(0, 200)).join(' ');
      });
      throw new ProviderRelayError(name, `validation failed: ${summary.join('; ')}`, { retryable: false });
    }
  }

  return {
    name,
    async send(events) {
      const nowMs = now();
      const byContext = new Map<string, Ga4Group>();
      for (const event of events) {
        const mapped = toGa4(event, nowMs);
        if (typeof mapped === 'string') {
          drop(mapped, event);
          continue;
        }
        const key = JSON.stringify(mapped.context);
        const group = byContext.get(key) ?? { context: mapped.context, events: [], eventIds: [] };
        group.events.push(mapped.event);
        group.eventIds.push(event.eventId);
        byContext.set(key, group);
      }
      const requests = [...byContext.values()].flatMap((group) =>
        chunk(group.events.map((event, i) => ({ event, id: group.eventIds[i] as string })), GA4_MAX_EVENTS_PER_REQUEST).flatMap((part) =>
          sized({ context: group.context, events: part.map((p) => p.event), eventIds: part.map((p) => p.id) }),
        ),
      );
      await relayGroups(requests, sendGroup);
    },
  };
}
