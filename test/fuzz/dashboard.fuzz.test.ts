import { Agent, request as httpRequest } from 'node:http';
import fc from 'fast-check';
import { parseStatsQuery, MAX_RANGE_DAYS, MAX_LIMIT, STATS_DIMENSIONS, daysBetween } from '../../layers/core/src/aggregates/stats-query';
import { verifyDashboardSession } from '../../layers/core/src/auth/dashboard-session';
import { InvalidPayloadError } from '../../layers/core/src/errors';
import { BROWSER_UA, useLocalStack } from '../helpers/local-stack';

/**
 * Property-based fuzzing of the dashboard's parsers: the stats query (`/v1/stats`,
 * `/dashboard/stats.json`), the sign-in form and the session cookie. Any input gets a 2xx, 3xx
 * (sign-in with the right key only) or 4xx, never a 5xx, and no session without the key.
 */

const HTTP_RUNS = { numRuns: 100 };
const UNIT_RUNS = { numRuns: 1000 };
const NOW = new Date('2026-11-22T12:00:00Z');

interface Answer {
  readonly status: number;
  readonly body: string;
  readonly setCookie: string[];
}

const agent = new Agent({ keepAlive: true, timeout: 1000, maxSockets: 4 });

function send(base: string, method: string, path: string, headers: Record<string, string>, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const length = body === undefined ? {} : { 'content-length': String(Buffer.byteLength(body)) };
    const req = httpRequest(`${base}${path}`, { method, headers: { 'user-agent': BROWSER_UA, ...headers, ...length }, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), setCookie: res.headers['set-cookie'] ?? [] }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

function expectClientAnswer(answer: Answer, what: string): void {
  const ok = (answer.status >= 200 && answer.status < 300) || (answer.status >= 400 && answer.status < 500);
  if (!ok) throw new Error(`unexpected ${answer.status} for ${what}: ${answer.body.slice(0, 300)}`);
  if (/\n\s*at \S.*:\d+:\d+|node_modules|\.ts:\d+/.test(answer.body)) throw new Error(`body leaks internals for ${what}: ${answer.body.slice(0, 300)}`);
}

const day = fc.oneof(
  fc.date({ min: new Date('1999-01-01'), max: new Date('2100-12-31'), noInvalidDate: true }).map((date) => date.toISOString().slice(0, 10)),
  fc.constantFrom('', '2026-02-29', '2028-02-29', '2026-13-01', '2026-00-10', '0000-01-01', '9999-12-31', '2026-1-1', '2026-11-22T00:00:00Z', 'today', '%00'),
  fc.string({ maxLength: 12 }),
);
const site = fc.oneof(
  fc.constantFrom('shop.example', 'SHOP.example', '127.0.0.1:3000', '[::1]:3000', 'a', '-a.example', 'a..b', 'https://shop.example', 'shop.example/x', 'x'.repeat(300), '__proto__'),
  fc.domain(),
  fc.string({ maxLength: 40 }),
);
const dimension = fc.oneof(fc.constantFrom(...STATS_DIMENSIONS, 'all', '', 'pages,countries', 'pages,,os', 'PAGES', 'constructor'), fc.string({ maxLength: 20 }));
const limit = fc.oneof(fc.integer({ min: -5, max: 2000 }).map(String), fc.constantFrom('', '1e3', '0x10', ' 5', '10.5', 'NaN'), fc.string({ maxLength: 6 }));

/** A query string of the stats parameters (some missing, some repeated) plus noise. */
const statsQuery = fc
  .record(
    {
      site: fc.array(site, { maxLength: 2 }),
      from: fc.array(day, { maxLength: 2 }),
      to: fc.array(day, { maxLength: 2 }),
      dimension: fc.array(dimension, { maxLength: 3 }),
      limit: fc.array(limit, { maxLength: 2 }),
      noise: fc.array(fc.tuple(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 })), { maxLength: 3 }),
    },
    { requiredKeys: [] },
  )
  .map((parts) => {
    const params = new URLSearchParams();
    for (const [name, values] of Object.entries(parts)) {
      if (name === 'noise') for (const [key, value] of values as [string, string][]) params.append(key, value);
      else for (const value of values as string[]) params.append(name, value);
    }
    return params;
  });

describe('parseStatsQuery()', () => {
  it('returns a valid query or throws InvalidPayloadError, for any input', () => {
    fc.assert(
      fc.property(statsQuery, (params) => {
        try {
          const query = parseStatsQuery(params, NOW);
          expect(query.from <= query.to).toBe(true);
          expect(daysBetween(query.from, query.to)).toBeLessThanOrEqual(MAX_RANGE_DAYS);
          expect(query.limit).toBeGreaterThanOrEqual(1);
          expect(query.limit).toBeLessThanOrEqual(MAX_LIMIT);
          expect(query.dimensions.length).toBeGreaterThan(0);
          if (query.site !== undefined) expect(query.site).toMatch(/^[a-z0-9_.\-[\]:]+$/);
        } catch (error) {
          if (!(error instanceof InvalidPayloadError)) throw error;
          expect(Object.keys(error.fields).length).toBeGreaterThan(0);
        }
      }),
      UNIT_RUNS,
    );
  });
});

describe('verifyDashboardSession()', () => {
  it('never accepts a cookie it did not sign, whatever its shape', () => {
    const token = fc.oneof(
      fc.string({ maxLength: 250 }),
      fc.tuple(fc.integer({ min: 0, max: 2 ** 40 }), fc.base64String({ maxLength: 30 }), fc.base64String({ maxLength: 50 })).map(([expiry, nonce, mac]) => `v1.${expiry}.${nonce}.${mac}`),
    );
    fc.assert(
      fc.property(token, (value) => {
        expect(['invalid', 'none']).toContain(verifyDashboardSession(value, { secret: 'a-runtime-secret-of-enough-length', apiKey: 'the-admin-key-0123456789', now: NOW }));
      }),
      UNIT_RUNS,
    );
  });
});

describe('the dashboard and stats routes under fuzzing', () => {
  const stack = useLocalStack();
  afterAll(() => agent.destroy());

  it('answers any stats query with 200 or 400, on /v1/stats and on stats.json', async () => {
    const cookie = (await send(stack().url, 'POST', '/dashboard', { 'content-type': 'application/x-www-form-urlencoded' }, `key=${encodeURIComponent(stack().env.EDGEPRINT_API_KEY!)}`)).setCookie[0]!.split(';')[0]!;
    await fc.assert(
      fc.asyncProperty(statsQuery, async (params) => {
        const query = params.toString();
        const api = await send(stack().url, 'GET', `/v1/stats?${query}`, { 'x-api-key': stack().env.EDGEPRINT_API_KEY! });
        expectClientAnswer(api, `/v1/stats?${query}`);
        expect([200, 400]).toContain(api.status);
        const page = await send(stack().url, 'GET', `/dashboard/stats.json?${query}`, { cookie });
        expect(page.status).toBe(api.status);
      }),
      HTTP_RUNS,
    );
  });

  it('answers any sign-in form with 401 or another 4xx, sets no cookie, and never a 5xx', async () => {
    const contentType = fc.constantFrom('application/x-www-form-urlencoded', 'application/json', 'text/plain', 'multipart/form-data; boundary=x', 'application/x-www-form-urlencoded; charset=utf-8', '');
    const body = fc.oneof(
      fc.dictionary(fc.oneof(fc.constantFrom('key', 'action', '__proto__', 'constructor'), fc.string({ maxLength: 10 })), fc.string({ maxLength: 80 }), { maxKeys: 4 }).map((fields) => new URLSearchParams(fields).toString()),
      fc.jsonValue({ maxDepth: 2 }).map((value) => JSON.stringify(value)),
      fc.string({ maxLength: 300 }),
      fc.constantFrom('key=%', 'key=%E0%A4%A', `key=${'k'.repeat(3000)}`, '{"key":{"__proto__":1}}', 'action=logout&action=x', 'key=&key=x'),
    );
    await fc.assert(
      fc.asyncProperty(contentType, body, async (type, text) => {
        const answer = await send(stack().url, 'POST', '/dashboard', type === '' ? {} : { 'content-type': type }, text);
        if (answer.status === 303) {
          // Only a sign-out may answer 303 without the key: it clears the cookie.
          expect(answer.setCookie).toEqual(['ep_dash=; Max-Age=0; Path=/dashboard; HttpOnly; SameSite=Strict']);
          return;
        }
        expectClientAnswer(answer, `${type} ${text.slice(0, 80)}`);
        expect(answer.status).toBeGreaterThanOrEqual(400);
        expect(answer.setCookie).toEqual([]);
      }),
      HTTP_RUNS,
    );
  });

  it('answers any session cookie with the sign-in form on /dashboard and 401 on stats.json', async () => {
    const cookieValue = fc.oneof(fc.string({ unit: fc.constantFrom(...'v1.AZaz09_-=%; '.split('')), maxLength: 120 }), fc.string({ maxLength: 60 }).map((value) => Buffer.from(value).toString('base64url')));
    await fc.assert(
      fc.asyncProperty(cookieValue, async (value) => {
        const cookie = `ep_dash=${value}`;
        const page = await send(stack().url, 'GET', '/dashboard', { cookie });
        expect(page.status).toBe(200);
        expect(page.body).toContain('name="key"');
        const data = await send(stack().url, 'GET', '/dashboard/stats.json', { cookie });
        expect(data.status).toBe(401);
      }),
      HTTP_RUNS,
    );
  });
});
