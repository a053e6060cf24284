import type { UserDeviceInfo, UserSessionInfo } from '../domain/users';

/** The most urls one `/v1/hits` request takes. */
export const URLS_PER_REQUEST = 100;

export interface ClientOptions {
  /** The API's base URL: `https://<id>.execute-api.<region>.amazonaws.com`, `https://shop.example/_ep`, `http://127.0.0.1:3000`. */
  readonly baseUrl: string;
  /** The API key, for the admin calls (links, user queries, erasure). Keep it on servers. */
  readonly apiKey?: string;
  /** @default globalThis.fetch */
  readonly fetch?: typeof fetch;
}

/** An error answer of the API: its status, code, message and field errors. */
export class EdgeprintClientError extends Error {
  readonly status: number;
  readonly code: string;
  readonly fields?: Readonly<Record<string, string[]>>;
  constructor(status: number, code: string, message: string, fields?: Record<string, string[]>) {
    super(`${status} ${code}: ${message}`);
    this.name = 'EdgeprintClientError';
    this.status = status;
    this.code = code;
    this.fields = fields;
  }
}

export interface PageOptions {
  /** 1 to 100. @default 50 */
  readonly limit?: number;
  /** The `cursor` of the previous page. */
  readonly cursor?: string;
}

export interface UserAgentParts {
  readonly browser?: { readonly name?: string; readonly version?: string };
  readonly os?: { readonly name?: string; readonly version?: string };
  readonly deviceType?: string;
}

/** A session as `GET /v1/users/{userId}/sessions` answers it: the stored session plus the parsed user agent. */
export type UserSession = UserSessionInfo & UserAgentParts;

/** A device as `GET /v1/users/{userId}/devices` answers it: the stored device plus the parsed user agent. */
export type UserDevice = UserDeviceInfo & UserAgentParts;

export interface UserSessionsPage {
  readonly userId: string;
  readonly sessions: UserSession[];
  readonly cursor?: string;
}

export interface UserDevicesPage {
  readonly userId: string;
  readonly devices: UserDevice[];
  readonly cursor?: string;
}

export interface LinkResult {
  readonly userId: string;
  readonly sessionId: string;
  readonly result: 'linked' | 'already-linked';
  /** Devices brought into the user's list by a new link. */
  readonly devices?: number;
}

export interface ErasureResult {
  readonly userId?: string;
  readonly sessionId?: string;
  /** Items removed per type (`session`, `link`, `request_fingerprint`, `browser_event`, `view_marker`, `activity`, `device`). */
  readonly removed: Readonly<Record<string, number>>;
}

export interface EdgeprintClient {
  /** Unique-session hit counts, one request per 100 distinct urls, keyed by the urls as given. */
  getCountForUrls(urls: Iterable<string>): Promise<Map<string, number>>;
  /** The seed's `get_count_for_objects`: counts keyed by the objects, through `toUrl`. */
  getCountForObjects<T>(objects: Iterable<T>, toUrl: (object: T) => string): Promise<Map<T, number>>;
  userSessions(userId: string, page?: PageOptions): Promise<UserSessionsPage>;
  userDevices(userId: string, page?: PageOptions): Promise<UserDevicesPage>;
  link(input: { userId: string; sessionId: string; force?: boolean }): Promise<LinkResult>;
  eraseUser(userId: string): Promise<ErasureResult>;
  eraseSession(sessionId: string): Promise<ErasureResult>;
}

/**
 * A typed client for the v1 API, on `fetch` (Node 18+, browsers, workers). Hit counts need no key;
 * everything else sends `apiKey` as `Authorization: Bearer`. Error answers throw an
 * EdgeprintClientError with the API's status and code.
 * @example
 * const edgeprint = createClient({ baseUrl: 'https://shop.example/_ep', apiKey: process.env.EDGEPRINT_API_KEY })
 * const counts = await edgeprint.getCountForObjects(articles, (article) => `https://shop.example/a/${article.slug}`)
 */
export function createClient(options: ClientOptions): EdgeprintClient {
  const base = options.baseUrl.replace(/\/+$/, '');
  const doFetch = options.fetch ?? globalThis.fetch;

  async function call<T>(method: string, path: string, init: { body?: unknown; admin?: boolean } = {}): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (init.admin === true) {
      if (options.apiKey === undefined) throw new EdgeprintClientError(401, 'unauthorized', 'this call needs the apiKey option');
      headers.authorization = `Bearer ${options.apiKey}`;
    }
    if (init.body !== undefined) headers['content-type'] = 'application/json';
    const response = await doFetch(`${base}${path}`, { method, headers, body: init.body === undefined ? undefined : JSON.stringify(init.body) });
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text.length === 0 ? undefined : JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    if (!response.ok) {
      const error = (parsed as { error?: { code?: string; message?: string; fields?: Record<string, string[]> } } | undefined)?.error;
      throw new EdgeprintClientError(response.status, error?.code ?? 'http_error', error?.message ?? response.statusText, error?.fields);
    }
    return parsed as T;
  }

  const segment = (value: string) => encodeURIComponent(value);
  const pageQuery = (page: PageOptions = {}) => {
    const query = new URLSearchParams();
    if (page.limit !== undefined) query.set('limit', String(page.limit));
    if (page.cursor !== undefined) query.set('cursor', page.cursor);
    const text = query.toString();
    return text.length === 0 ? '' : `?${text}`;
  };

  async function getCountForUrls(urls: Iterable<string>): Promise<Map<string, number>> {
    const unique = [...new Set(urls)];
    const chunks: string[][] = [];
    for (let start = 0; start < unique.length; start += URLS_PER_REQUEST) chunks.push(unique.slice(start, start + URLS_PER_REQUEST));
    const answers = await Promise.all(
      chunks.map((chunk) => call<{ counts: Record<string, number> }>('GET', `/v1/hits?${chunk.map((url) => `url=${encodeURIComponent(url)}`).join('&')}`)),
    );
    const counts = new Map<string, number>();
    chunks.forEach((chunk, index) => {
      for (const url of chunk) counts.set(url, answers[index]?.counts[url] ?? 0);
    });
    return counts;
  }

  return {
    getCountForUrls,
    async getCountForObjects(objects, toUrl) {
      const list = [...objects];
      const urls = list.map((object) => toUrl(object));
      const counts = await getCountForUrls(urls);
      return new Map(list.map((object, index) => [object, counts.get(urls[index] as string) ?? 0]));
    },
    userSessions: (userId, page) => call('GET', `/v1/users/${segment(userId)}/sessions${pageQuery(page)}`, { admin: true }),
    userDevices: (userId, page) => call('GET', `/v1/users/${segment(userId)}/devices${pageQuery(page)}`, { admin: true }),
    link: (input) => call('POST', '/v1/sessions/link', { body: input, admin: true }),
    eraseUser: (userId) => call('DELETE', `/v1/users/${segment(userId)}`, { admin: true }),
    eraseSession: (sessionId) => call('DELETE', `/v1/sessions/${segment(sessionId)}`, { admin: true }),
  };
}
