/**
 * One loopback HTTP server that speaks, and checks, the four provider protocols: GA4
 * (`/mp/collect`, `/debug/mp/collect`), Matomo (`/matomo.php` bulk), Plausible (`/api/event`) and
 * the signed webhook (`/webhook`). It records what it accepted (by event id) and every protocol
 * violation, and can be told to fail: 5xx, 429 with Retry-After, slow answers or connection
 * resets, per call or at random with a seeded RNG.
 *
 * Like GA4, the GA4 routes answer 2xx even to invalid payloads; the violation is recorded so tests
 * can assert there were none. A request that fails (injected fault, or the client gave up on a
 * slow answer) records nothing: the stub commits only when it can answer.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyWebhookSignature } from '../../layers/core/src/forwarding/providers/webhook';

export type StubProvider = 'ga4' | 'matomo' | 'plausible' | 'webhook';

export type Fault =
  | { kind: 'status'; status: number; retryAfter?: string }
  | { kind: 'slow'; delayMs: number }
  | { kind: 'reset' };

export interface Violation {
  readonly provider: StubProvider | 'stub';
  readonly message: string;
}

export interface AcceptedRequest {
  readonly provider: StubProvider;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
  readonly eventIds: readonly string[];
}

export interface ProviderStubOptions {
  /** Secret the webhook route verifies signatures with. */
  readonly webhookSecret?: string;
  /** When set, Matomo bulk requests carrying another token_auth get 401. */
  readonly matomoToken?: string;
  /** Clock in ms, for webhook timestamps and Matomo's 24 h rule. */
  readonly now?: () => number;
}

export interface RandomFaults {
  /** Probability (0..1) that a request fails. */
  readonly rate: number;
  readonly seed: number;
  /** Faults to pick from, uniformly. @default 503, 429 with Retry-After 1, reset */
  readonly faults?: readonly Fault[];
  /** Only these providers fail. @default all */
  readonly providers?: readonly StubProvider[];
}

/** mulberry32: small, seeded, good enough for fault injection. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// GA4 protocol facts, written out here rather than imported so the stub checks the adapter
// against the documentation, not against itself.
const NAME = /^[A-Za-z][A-Za-z0-9_]{0,39}$/;
const GA4_MAX_EVENTS_PER_REQUEST = 25;
const GA4_MAX_PARAMS_PER_EVENT = 25;
const GA4_MAX_VALUE_LENGTH = 100;
const GA4_LONG_PARAM_LIMITS: Record<string, number> = { page_location: 1000, page_referrer: 420, page_title: 300 };
const GA4_MAX_USER_ID_LENGTH = 256;
const GA4_MAX_BODY_BYTES = 130_000;
const GA4_RESERVED_PREFIXES = ['_', 'firebase_', 'ga_', 'google_', 'gtag.'];
const GA4_RESERVED_EVENT_NAMES = new Set([
  'ad_activeview', 'ad_click', 'ad_exposure', 'ad_impression', 'ad_query', 'ad_reward', 'adunit_exposure', 'app_clear_data',
  'app_exception', 'app_install', 'app_remove', 'app_store_refund', 'app_update', 'app_upgrade', 'dynamic_link_app_open',
  'dynamic_link_app_update', 'dynamic_link_first_open', 'error', 'firebase_campaign', 'first_open', 'first_visit',
  'in_app_purchase', 'notification_dismiss', 'notification_foreground', 'notification_open', 'notification_receive',
  'os_update', 'session_start', 'session_start_with_rollout', 'user_engagement',
]);
const DAY_SECONDS = 24 * 3600;

export class ProviderStub {
  private server: Server | undefined;
  private readonly queued = new Map<StubProvider | 'any', { fault: Fault; skip: number }[]>();
  private random: (RandomFaults & { next: () => number }) | undefined;
  private readonly accepted = new Map<StubProvider, Map<string, number>>();
  private readonly openSockets = new Set<import('node:net').Socket>();
  private readonly pendingDelays = new Set<() => void>();
  /** Every protocol violation seen. */
  readonly violations: Violation[] = [];
  /** Every accepted request, in arrival order. */
  readonly requests: AcceptedRequest[] = [];
  /** Requests received per provider, failed ones included. */
  readonly requestCounts: Record<StubProvider, number> = { ga4: 0, matomo: 0, plausible: 0, webhook: 0 };
  /** Faults injected per provider. */
  readonly faultCounts: Record<StubProvider, number> = { ga4: 0, matomo: 0, plausible: 0, webhook: 0 };
  /** Validation messages the GA4 debug route returns (in addition to real violations). */
  ga4DebugMessages: { fieldPath?: string; description: string; validationCode: string }[] = [];
  baseUrl = '';

  constructor(private readonly options: ProviderStubOptions = {}) {}

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        this.violations.push({ provider: 'stub', message: `stub crashed: ${String(error)}` });
        if (!res.headersSent) res.writeHead(500).end();
      });
    });
    this.server.keepAliveTimeout = 1000;
    this.server.on('connection', (socket) => {
      this.openSockets.add(socket);
      socket.on('close', () => this.openSockets.delete(socket));
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    this.baseUrl = `http://127.0.0.1:${port}`;
    return this.baseUrl;
  }

  async stop(): Promise<void> {
    for (const release of this.pendingDelays) release();
    this.pendingDelays.clear();
    for (const socket of this.openSockets) socket.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /**
   * Fails the next request (to one provider, or to any) with this fault, `times` times in a row,
   * after letting `after` requests through. Queued faults come before random ones.
   */
  failNext(fault: Fault, provider: StubProvider | 'any' = 'any', { times = 1, after = 0 }: { times?: number; after?: number } = {}): void {
    const list = this.queued.get(provider) ?? [];
    for (let i = 0; i < times; i += 1) list.push({ fault, skip: i === 0 ? after : 0 });
    this.queued.set(provider, list);
  }

  /** Fails requests at random; `undefined` turns it off. */
  failRandomly(random: RandomFaults | undefined): void {
    this.random = random === undefined ? undefined : { ...random, next: seededRandom(random.seed) };
  }

  /** Event ids accepted by a provider, each once. */
  acceptedIds(provider: StubProvider): string[] {
    return [...(this.accepted.get(provider)?.keys() ?? [])];
  }

  /** Event ids a provider accepted more than once. */
  duplicates(provider: StubProvider): string[] {
    return [...(this.accepted.get(provider)?.entries() ?? [])].filter(([, count]) => count > 1).map(([id]) => id);
  }

  acceptedRequests(provider: StubProvider): AcceptedRequest[] {
    return this.requests.filter((request) => request.provider === provider);
  }

  reset(): void {
    this.queued.clear();
    this.random = undefined;
    this.accepted.clear();
    this.violations.length = 0;
    this.requests.length = 0;
    this.ga4DebugMessages = [];
    for (const key of Object.keys(this.requestCounts) as StubProvider[]) {
      this.requestCounts[key] = 0;
      this.faultCounts[key] = 0;
    }
  }

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }

  private nextFault(provider: StubProvider): Fault | undefined {
    for (const key of [provider, 'any'] as const) {
      const head = this.queued.get(key)?.[0];
      if (head === undefined) continue;
      if (head.skip > 0) {
        head.skip -= 1;
        return undefined;
      }
      return this.queued.get(key)?.shift()?.fault;
    }
    const random = this.random;
    if (random === undefined || (random.providers !== undefined && !random.providers.includes(provider))) return undefined;
    if (random.next() >= random.rate) return undefined;
    const faults = random.faults ?? [{ kind: 'status', status: 503 }, { kind: 'status', status: 429, retryAfter: '1' }, { kind: 'reset' }];
    return faults[Math.floor(random.next() * faults.length)];
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://stub.invalid');
    const provider: StubProvider | undefined =
      url.pathname === '/mp/collect' || url.pathname === '/debug/mp/collect' ? 'ga4'
        : url.pathname === '/matomo.php' ? 'matomo'
          : url.pathname === '/api/event' ? 'plausible'
            : url.pathname === '/webhook' ? 'webhook' : undefined;
    const body = await readBody(req);
    if (provider === undefined || req.method !== 'POST') {
      res.writeHead(404).end();
      return;
    }
    this.requestCounts[provider] += 1;

    const fault = this.nextFault(provider);
    if (fault !== undefined) {
      this.faultCounts[provider] += 1;
      if (fault.kind === 'reset') {
        req.socket.destroy();
        return;
      }
      if (fault.kind === 'status') {
        res.writeHead(fault.status, fault.retryAfter === undefined ? {} : { 'retry-after': fault.retryAfter }).end('stub fault');
        return;
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          this.pendingDelays.delete(release);
          resolve();
        }, fault.delayMs);
        const release = () => {
          clearTimeout(timer);
          resolve();
        };
        this.pendingDelays.add(release);
      });
      // The client gave up: nothing was committed.
      if (req.socket.destroyed || res.destroyed) return;
    }

    const violations: string[] = [];
    let eventIds: string[] = [];
    let status = 200;
    let answer = '';
    switch (provider) {
      case 'ga4': {
        eventIds = this.checkGa4(url, req, body, violations);
        if (url.pathname.startsWith('/debug')) {
          const messages = [...violations.map((description) => ({ description, validationCode: 'VALUE_INVALID' })), ...this.ga4DebugMessages];
          answer = JSON.stringify({ validationMessages: messages });
        } else {
          status = 204;
        }
        break;
      }
      case 'matomo': {
        const result = this.checkMatomo(body, violations);
        if (result === 'unauthorized') {
          res.writeHead(401, { 'content-type': 'application/json' }).end('{"status":"error"}');
          return;
        }
        eventIds = result;
        answer = JSON.stringify({ status: 'success', tracked: eventIds.length, invalid: 0 });
        break;
      }
      case 'plausible': {
        eventIds = this.checkPlausible(req, body, violations);
        if (violations.length > 0) {
          status = 400;
          answer = JSON.stringify({ errors: violations });
        } else {
          status = 202;
          answer = 'ok';
        }
        break;
      }
      case 'webhook': {
        eventIds = this.checkWebhook(req, body, violations);
        status = violations.some((v) => v.startsWith('signature')) ? 401 : 204;
        break;
      }
    }
    for (const message of violations) this.violations.push({ provider, message });
    if (status < 300) {
      const seen = this.accepted.get(provider) ?? new Map<string, number>();
      for (const id of eventIds) seen.set(id, (seen.get(id) ?? 0) + 1);
      this.accepted.set(provider, seen);
      this.requests.push({ provider, path: url.pathname, query: url.searchParams, headers: req.headers, body, eventIds });
    }
    res.writeHead(status, { 'content-type': 'application/json' }).end(answer);
  }

  private checkGa4(url: URL, req: IncomingMessage, body: string, violations: string[]): string[] {
    if (!url.searchParams.get('measurement_id')) violations.push('measurement_id missing');
    if (!url.searchParams.get('api_secret')) violations.push('api_secret missing');
    if (Buffer.byteLength(body) >= GA4_MAX_BODY_BYTES) violations.push(`body of ${Buffer.byteLength(body)} bytes`);
    const payload = parseJson(body);
    if (!isObject(payload)) {
      violations.push('body is not a JSON object');
      return [];
    }
    if (typeof payload.client_id !== 'string' || payload.client_id.length === 0) violations.push('client_id missing');
    if (payload.user_id !== undefined && (typeof payload.user_id !== 'string' || payload.user_id.length > GA4_MAX_USER_ID_LENGTH)) violations.push('user_id invalid');
    if (payload.timestamp_micros !== undefined && !Number.isSafeInteger(payload.timestamp_micros)) violations.push('timestamp_micros invalid');
    if (payload.ip_override !== undefined && typeof payload.ip_override !== 'string') violations.push('ip_override invalid');
    const events = payload.events;
    if (!Array.isArray(events) || events.length === 0 || events.length > GA4_MAX_EVENTS_PER_REQUEST) {
      violations.push(`events must be 1..${GA4_MAX_EVENTS_PER_REQUEST}, got ${Array.isArray(events) ? events.length : typeof events}`);
      return [];
    }
    for (const [index, event] of events.entries()) {
      if (!isObject(event) || typeof event.name !== 'string') {
        violations.push(`events[${index}] has no name`);
        continue;
      }
      const reserved = GA4_RESERVED_EVENT_NAMES.has(event.name) || GA4_RESERVED_PREFIXES.some((p) => (event.name as string).startsWith(p));
      if (!NAME.test(event.name) || reserved) violations.push(`events[${index}].name ${JSON.stringify(event.name)} invalid`);
      if (event.timestamp_micros !== undefined && !Number.isSafeInteger(event.timestamp_micros)) violations.push(`events[${index}].timestamp_micros invalid`);
      const params = event.params ?? {};
      if (!isObject(params)) {
        violations.push(`events[${index}].params is not an object`);
        continue;
      }
      const entries = Object.entries(params);
      if (entries.length > GA4_MAX_PARAMS_PER_EVENT) violations.push(`events[${index}] has ${entries.length} params`);
      for (const [key, value] of entries) {
        if (!NAME.test(key) || GA4_RESERVED_PREFIXES.some((p) => key.startsWith(p))) violations.push(`param name ${JSON.stringify(key)} invalid`);
        if (typeof value === 'string') {
          const limit = GA4_LONG_PARAM_LIMITS[key] ?? GA4_MAX_VALUE_LENGTH;
          if (value.length > limit) violations.push(`param ${key} value of ${value.length} chars`);
          if (/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(value)) violations.push(`param ${key} has a lone surrogate`);
          if ((key === 'page_location' || key === 'page_referrer') && !/^https?:\/\//.test(value)) violations.push(`param ${key} is not an absolute URL`);
        } else if (typeof value !== 'number' || !Number.isFinite(value)) {
          violations.push(`param ${key} is ${typeof value}`);
        }
      }
    }
    const ids = String(req.headers['x-edgeprint-event-ids'] ?? '').split(',').filter((id) => id.length > 0);
    if (ids.length !== events.length) violations.push(`x-edgeprint-event-ids names ${ids.length} events, body has ${events.length}`);
    return ids;
  }

  private checkMatomo(body: string, violations: string[]): string[] | 'unauthorized' {
    const payload = parseJson(body);
    if (!isObject(payload) || !Array.isArray(payload.requests) || payload.requests.length === 0) {
      violations.push('bulk body must be {"requests":[…]} with at least one request');
      return [];
    }
    const token = typeof payload.token_auth === 'string' ? payload.token_auth : undefined;
    if (this.options.matomoToken !== undefined && token !== undefined && token !== this.options.matomoToken) return 'unauthorized';
    const nowSeconds = this.now() / 1000;
    const ids: string[] = [];
    for (const [index, raw] of payload.requests.entries()) {
      if (typeof raw !== 'string' || !raw.startsWith('?')) {
        violations.push(`requests[${index}] must be a query string starting with ?`);
        continue;
      }
      const params = new URLSearchParams(raw.slice(1));
      const problem = (message: string) => violations.push(`requests[${index}]: ${message}`);
      if (!/^\d+$/.test(params.get('idsite') ?? '')) problem('idsite missing');
      if (params.get('rec') !== '1') problem('rec=1 missing');
      if (params.has('apiv') && params.get('apiv') !== '1') problem('apiv must be 1');
      const id = params.get('_id');
      if (id !== null && !/^[0-9a-f]{16}$/i.test(id)) problem('_id must be 16 hex characters');
      const cid = params.get('cid');
      if (cid !== null && (!/^[0-9a-f]{16}$/i.test(cid) || token === undefined)) problem('cid needs 16 hex characters and token_auth');
      for (const key of ['cip', 'country'] as const) if (params.has(key) && token === undefined) problem(`${key} needs token_auth`);
      const cdt = params.get('cdt');
      if (cdt !== null) {
        if (!/^\d+$/.test(cdt)) problem('cdt must be a unix timestamp');
        else if (nowSeconds - Number(cdt) > DAY_SECONDS && token === undefined) problem('cdt older than 24 h needs token_auth');
      }
      const pageUrl = params.get('url');
      if (pageUrl !== null && !/^https?:\/\//.test(pageUrl)) problem('url must be absolute');
      if (params.has('e_c') !== params.has('e_a')) problem('e_c and e_a go together');
      const value = params.get('e_v');
      if (value !== null && !Number.isFinite(Number(value))) problem('e_v must be a number');
      ids.push(params.get('rand') ?? `matomo-${index}`);
    }
    return ids;
  }

  private checkPlausible(req: IncomingMessage, body: string, violations: string[]): string[] {
    if (!req.headers['user-agent']) violations.push('User-Agent header missing');
    if (!req.headers['x-forwarded-for']) violations.push('X-Forwarded-For header missing');
    if (!String(req.headers['content-type'] ?? '').startsWith('application/json')) violations.push('Content-Type must be application/json');
    const payload = parseJson(body);
    if (!isObject(payload)) {
      violations.push('body is not a JSON object');
      return [];
    }
    for (const key of ['name', 'url', 'domain'] as const) {
      if (typeof payload[key] !== 'string' || (payload[key] as string).length === 0) violations.push(`${key} missing`);
    }
    if (typeof payload.url === 'string' && !/^https?:\/\//.test(payload.url)) violations.push('url must be absolute');
    if (payload.referrer !== undefined && typeof payload.referrer !== 'string') violations.push('referrer must be a string');
    if (payload.props !== undefined) {
      if (!isObject(payload.props)) violations.push('props must be an object');
      else {
        const entries = Object.entries(payload.props);
        if (entries.length > 30) violations.push(`${entries.length} props`);
        for (const [key, value] of entries) {
          if (!['string', 'number', 'boolean'].includes(typeof value)) violations.push(`prop ${key} is not a scalar`);
        }
      }
    }
    const id = req.headers['x-edgeprint-event-id'];
    return typeof id === 'string' ? [id] : [];
  }

  private checkWebhook(req: IncomingMessage, body: string, violations: string[]): string[] {
    const timestamp = req.headers['x-edgeprint-timestamp'];
    const signature = req.headers['x-edgeprint-signature'];
    const ok = verifyWebhookSignature(
      this.options.webhookSecret ?? '',
      typeof timestamp === 'string' ? timestamp : undefined,
      body,
      typeof signature === 'string' ? signature : undefined,
      Math.floor(this.now() / 1000),
    );
    if (!ok) {
      violations.push('signature invalid or timestamp outside tolerance');
      return [];
    }
    const payload = parseJson(body);
    if (!isObject(payload) || !Array.isArray(payload.events)) {
      violations.push('body must be {"events":[…]}');
      return [];
    }
    const ids: string[] = [];
    for (const event of payload.events) {
      if (isObject(event) && typeof event.eventId === 'string') ids.push(event.eventId);
      else violations.push('event without eventId');
    }
    return ids;
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', () => resolve(''));
    req.on('aborted', () => resolve(''));
  });
}

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Starts a stub for one jest file: `const stub = useProviderStub({ webhookSecret })`, then use
 * `stub.baseUrl` in tests. Stopped after all tests; reset before each.
 */
export function useProviderStub(options: ProviderStubOptions = {}): ProviderStub {
  const stub = new ProviderStub(options);
  beforeAll(async () => {
    await stub.start();
  });
  beforeEach(() => stub.reset());
  afterAll(async () => {
    await stub.stop();
  });
  return stub;
}
