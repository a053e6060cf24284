import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { readRealtime, readStats } from '../aggregates/read-stats';
import { parseRealtimeQuery, parseStatsQuery } from '../aggregates/stats-query';
import { requireApiKey } from '../auth/api-key';
import {
  clearedDashboardCookie,
  DASHBOARD_COOKIE,
  dashboardCookie,
  issueDashboardSession,
  verifyDashboardSession,
  type DashboardSessionState,
} from '../auth/dashboard-session';
import { EdgeprintError, NotFoundError, UnauthorizedError } from '../errors';
import { parseBody } from '../http/body';
import type { HttpRequest } from '../http/request';
import { compressible, encodedTextResponse, type CompressibleText } from '../http/compression';
import { jsonResponse, type HttpResponse } from '../http/responses';
import type { BaseRuntime } from '../runtime';
import { renderDashboardPage, renderLoginPage, type DashboardPage } from './dashboard-page';

export const DASHBOARD_ROUTE = '/dashboard';
export const DASHBOARD_FILES_ROUTE = '/dashboard/{file}';

/** The sign-in form is tiny; anything bigger is not a form of ours. */
const MAX_FORM_BYTES = 2048;

const SIGN_IN_FAILED = 'Sign-in failed. Check the API key and try again.';
const SESSION_ENDED = 'Your dashboard session has ended. Sign in again.';

/** The page's own URL without its query, and its path: the dashboard cookie's Path. */
function pageLocation(request: HttpRequest): { url: string; path: string } {
  const url = request.url.split('?')[0]!;
  return { url, path: new URL(url).pathname };
}

function sessionState(request: HttpRequest, runtime: BaseRuntime): DashboardSessionState {
  return verifyDashboardSession(request.cookies.get(DASHBOARD_COOKIE), {
    secret: runtime.config.fingerprintSecret,
    apiKey: runtime.config.apiKey,
    now: runtime.now(),
  });
}

function htmlPage(request: HttpRequest, status: number, page: DashboardPage, cookies?: string[]): HttpResponse {
  const response = encodedTextResponse(request, status, page.html, 'text/html; charset=utf-8', {
    'content-security-policy': page.contentSecurityPolicy,
    'cache-control': 'no-store',
    // Not no-referrer: with it Chromium sends `Origin: null` on the sign-in POST, which the origin policy refuses.
    'referrer-policy': 'same-origin',
    'x-frame-options': 'DENY',
  });
  return cookies === undefined ? response : { ...response, cookies };
}

function seeOther(location: string, cookie: string): HttpResponse {
  return { statusCode: 303, headers: { location, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' }, cookies: [cookie], body: '' };
}

/** POST: sign in (the API key, compared in constant time, for a session cookie) or sign out. */
function signInOrOut(request: HttpRequest, runtime: BaseRuntime): HttpResponse {
  const page = pageLocation(request);
  let fields: Record<string, unknown>;
  try {
    fields = parseBody(request, MAX_FORM_BYTES).fields;
  } catch (error) {
    if (error instanceof EdgeprintError && error.status < 500) return htmlPage(request, error.status, renderLoginPage(page.url, 'The form could not be read. Try again.'));
    throw error;
  }
  const cookieOptions = { path: page.path, secure: request.secure };
  if (fields.action === 'logout') return seeOther(page.path, clearedDashboardCookie(cookieOptions));
  const key = typeof fields.key === 'string' ? fields.key : undefined;
  try {
    requireApiKey({ 'x-api-key': key }, runtime.config.apiKey);
  } catch (error) {
    if (error instanceof UnauthorizedError) return htmlPage(request, 401, renderLoginPage(page.url, SIGN_IN_FAILED));
    throw error;
  }
  const token = issueDashboardSession({ secret: runtime.config.fingerprintSecret, apiKey: runtime.config.apiKey as string, now: runtime.now() });
  return seeOther(page.path, dashboardCookie(token, cookieOptions));
}

/**
 * `GET|HEAD|POST /dashboard`: the dashboard page for a signed-in admin, else the sign-in form
 * (POST signs in with the API key, or out). Sessions are HMAC-signed cookies from the runtime's
 * secret, an hour long.
 * @example export const handler = httpEndpoint(runtimeFromEnvironment, { methods: ['GET', 'HEAD', 'POST'], handle: dashboard })
 */
export async function dashboard(request: HttpRequest, runtime: BaseRuntime): Promise<HttpResponse> {
  if (request.method === 'POST') return signInOrOut(request, runtime);
  const page = pageLocation(request);
  const state = sessionState(request, runtime);
  if (state === 'valid') return htmlPage(request, 200, renderDashboardPage(page.url));
  // An expired and a forged cookie get the same words: nobody learns which it was.
  return htmlPage(request, 200, renderLoginPage(page.url, state === 'none' ? undefined : SESSION_ENDED));
}

interface Asset {
  readonly body: CompressibleText;
  readonly etag: string;
}

const assets = new Map<string, { mtimeMs: number; asset: Asset }>();

function loadAsset(file: string): Asset | undefined {
  let mtimeMs: number;
  try {
    mtimeMs = statSync(file).mtimeMs;
  } catch {
    return undefined;
  }
  const cached = assets.get(file);
  if (cached !== undefined && cached.mtimeMs === mtimeMs) return cached.asset;
  const body = readFileSync(file, 'utf8');
  // Compressed once per process (per encoding, on first use), not per request.
  const asset = { body: compressible(body), etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"` };
  assets.set(file, { mtimeMs, asset });
  return asset;
}

const FILE_TYPES: Readonly<Record<string, string>> = {
  'app.js': 'text/javascript; charset=utf-8',
  'app.css': 'text/css; charset=utf-8',
};

function serveAsset(request: HttpRequest, file: string, contentType: string): HttpResponse {
  const asset = loadAsset(file);
  if (asset === undefined) throw new NotFoundError('Dashboard not built');
  // Revalidated on every load (an ETag, 304): a deploy reaches the page at once, and it is small.
  const headers = { etag: asset.etag, 'cache-control': 'no-cache' };
  const ifNoneMatch = request.headers['if-none-match'];
  if (ifNoneMatch !== undefined && ifNoneMatch.split(',').some((tag) => tag.trim().replace(/^W\//, '') === asset.etag)) {
    return { statusCode: 304, headers: { ...headers, vary: 'accept-encoding', 'x-content-type-options': 'nosniff' } };
  }
  return encodedTextResponse(request, 200, asset.body, contentType, headers);
}

/**
 * `GET /dashboard/{file}`: the dashboard's script and stylesheet (public, built by
 * dashboard/build.ts into `dir`), and `stats.json` and `realtime.json`, the page's data, for a signed-in admin only
 * (401 otherwise, with no reason given).
 * @example await dashboardFiles(request, runtime, '/var/task')
 */
export async function dashboardFiles(request: HttpRequest, runtime: BaseRuntime, dir: string): Promise<HttpResponse> {
  const file = request.path.split('/').pop() ?? '';
  const type = FILE_TYPES[file];
  if (type !== undefined) return serveAsset(request, join(dir, file), type);
  if (file !== 'stats.json' && file !== 'realtime.json') throw new NotFoundError();
  if (sessionState(request, runtime) !== 'valid') throw new UnauthorizedError();
  if (file === 'realtime.json') return jsonResponse(200, await readRealtime(runtime.table, parseRealtimeQuery(request.query).site, runtime.now()));
  const query = parseStatsQuery(request.query, runtime.now());
  return jsonResponse(200, await readStats(runtime.table, query));
}

/**
 * `GET /v1/stats?site=&from=&to=&dimension=&limit=&compare=`: the dashboard's numbers as JSON, for the API key.
 * @example export const handler = httpEndpoint(runtimeFromEnvironment, { methods: ['GET', 'HEAD'], handle: stats })
 */
export async function stats(request: HttpRequest, runtime: BaseRuntime): Promise<HttpResponse> {
  requireApiKey(request.headers, runtime.config.apiKey);
  const query = parseStatsQuery(request.query, runtime.now());
  return jsonResponse(200, await readStats(runtime.table, query));
}

/**
 * `GET /v1/stats/realtime?site=`: visitors of the site in the last 5 minutes, for the API key:
 * `{ "site", "visitors": n, "since": "<ISO time>" }`.
 * @example export const handler = httpEndpoint(runtimeFromEnvironment, { methods: ['GET', 'HEAD'], handle: statsRealtime })
 */
export async function statsRealtime(request: HttpRequest, runtime: BaseRuntime): Promise<HttpResponse> {
  requireApiKey(request.headers, runtime.config.apiKey);
  const { site } = parseRealtimeQuery(request.query);
  return jsonResponse(200, await readRealtime(runtime.table, site, runtime.now()));
}
