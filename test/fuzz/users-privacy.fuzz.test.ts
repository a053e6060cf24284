import { Agent, request as httpRequest } from 'node:http';
import fc from 'fast-check';
import { bearerToken, tokenVerifier } from '../../layers/core/src/auth/bearer-token';
import { apiKeyFrom } from '../../layers/core/src/auth/api-key';
import { isSessionId } from '../../layers/core/src/domain/session-id';
import { isUserId, USER_ID_RULE } from '../../layers/core/src/domain/user-id';
import { EdgeprintError } from '../../layers/core/src/errors';
import { decodeCursor, pageLimit } from '../../layers/core/src/http/pagination';
import { matchRoute, pathParameter } from '../../layers/core/src/http/path-params';
import { check, linkSchema } from '../../layers/core/src/http/schemas';
import { BROWSER_UA, countItems, freshSessionId, useLocalStack } from '../helpers/local-stack';

/**
 * Property-based fuzzing of the users and privacy parsers: the link body, path parameters, the
 * Authorization header (API key and JWT) and the pagination cursor. Every input gets a 2xx or a
 * 4xx, never a 5xx, and a refused request stores nothing.
 */

const HTTP_RUNS = { numRuns: 120 };
const UNIT_RUNS = { numRuns: 1000 };

interface Answer {
  readonly status: number;
  readonly body: string;
}

const agent = new Agent({ keepAlive: true, timeout: 1000, maxSockets: 4 });

function send(base: string, method: string, path: string, headers: Record<string, string>, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const length = body === undefined ? {} : { 'content-length': String(Buffer.byteLength(body)) };
    const req = httpRequest(`${base}${path}`, { method, headers: { 'user-agent': BROWSER_UA, ...headers, ...length }, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
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

/** Header values Node puts on the wire: printable ASCII and Latin-1 (no DEL). */
const headerChar = fc.oneof(fc.integer({ min: 0x20, max: 0x7e }), fc.integer({ min: 0x80, max: 0xff })).map((code) => String.fromCharCode(code));
const headerValue = fc.string({ unit: headerChar, maxLength: 120 });
const jsonValue = fc.jsonValue({ maxDepth: 3 });
const userIdLike = fc.oneof(
  fc.constantFrom('user-1', 'a@b.example', 'tenant:42', '', ' ', '__proto__', 'constructor', 'x'.repeat(129), '../etc', 'a/b', 'ü'),
  fc.string({ maxLength: 40 }),
);
const sessionIdLike = fc.oneof(fc.constant(freshSessionId()), fc.constantFrom('link', 'AAAA', '', '{sessionId}'), fc.string({ maxLength: 30 }));
const segment = fc.oneof(
  userIdLike.map((value) => encodeURIComponent(value)),
  fc.constantFrom('%', '%ZZ', '%E0%A4%A', '%00', '%2F', '..', '.', '%7BuserId%7D', 'a%20b'),
  fc.string({ unit: fc.constantFrom(...'abcXYZ019-_.~%@:+'.split('')), maxLength: 30 }),
);

describe('users and privacy parsers over HTTP', () => {
  const stack = useLocalStack();
  const key = () => stack().env.EDGEPRINT_API_KEY as string;

  it('POST /v1/sessions/link: any body gets 2xx/4xx; a 4xx stores nothing', async () => {
    const body = fc.oneof(
      fc.record({ userId: userIdLike, sessionId: fc.option(sessionIdLike, { nil: undefined }), force: fc.option(jsonValue, { nil: undefined }) }, { requiredKeys: [] }).map((value) => JSON.stringify(value)),
      jsonValue.map((value) => JSON.stringify(value)),
      fc.string({ maxLength: 200 }),
      fc.constantFrom('{"userId":"u","sessionId":"AAAAAAAAAAAAAAAAAAAAAA","__proto__":{"x":1}}', 'userId=u&sessionId=AAAAAAAAAAAAAAAAAAAAAA&force=true', '', 'null', '[]'),
    );
    const type = fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded', 'application/xml', '');
    await fc.assert(
      fc.asyncProperty(body, type, async (text, contentType) => {
        const before = await countItems(stack());
        const answer = await send(stack().url, 'POST', '/v1/sessions/link', { authorization: `Bearer ${key()}`, 'content-type': contentType }, text);
        expectClientAnswer(answer, `link body ${text.slice(0, 80)}`);
        if (answer.status >= 400) expect(await countItems(stack())).toBe(before);
      }),
      HTTP_RUNS,
    );
  });

  it('path parameters of every admin route: any segment gets 2xx/4xx', async () => {
    const route = fc.constantFrom(
      (id: string) => ['GET', `/v1/users/${id}/sessions`],
      (id: string) => ['GET', `/v1/users/${id}/devices`],
      (id: string) => ['DELETE', `/v1/users/${id}`],
      (id: string) => ['DELETE', `/v1/sessions/${id}`],
    );
    await fc.assert(
      fc.asyncProperty(route, segment, async (build, id) => {
        const [method, path] = build(id) as [string, string];
        expectClientAnswer(await send(stack().url, method, path, { 'x-api-key': key() }), `${method} ${path}`);
      }),
      HTTP_RUNS,
    );
  });

  it('Authorization headers on the admin routes and the activity log: 401 or 2xx/4xx, never 5xx', async () => {
    const authorization = fc.oneof(
      headerValue,
      headerValue.map((value) => `Bearer ${value}`),
      fc.tuple(fc.base64String({ maxLength: 60 }), fc.base64String({ maxLength: 60 }), fc.base64String({ maxLength: 40 })).map((parts) => `Bearer ${parts.join('.').replace(/[+/=]/g, '_')}`),
      fc.constant(`Bearer ${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"sub":"u"}').toString('base64url')}.`),
    );
    await fc.assert(
      fc.asyncProperty(authorization, fc.boolean(), async (header, activity) => {
        const before = await countItems(stack());
        const answer = activity
          ? await send(stack().url, 'POST', '/v1/activity', { authorization: header, 'content-type': 'application/json' }, '{"date":"2026-03-01T10:00:00Z","path":"/fuzz"}')
          : await send(stack().url, 'GET', '/v1/users/u/sessions', { authorization: header });
        expectClientAnswer(answer, `authorization ${header.slice(0, 80)}`);
        if (!activity) expect(answer.status).toBe(header === `Bearer ${key()}` ? 200 : 401);
        if (answer.status >= 400) expect(await countItems(stack())).toBe(before);
      }),
      HTTP_RUNS,
    );
  });

  it('cursor and limit query parameters: any value gets 2xx/4xx', async () => {
    const cursor = fc.oneof(headerValue.map((value) => encodeURIComponent(value)), jsonValue.map((value) => Buffer.from(JSON.stringify(value)).toString('base64url')), fc.base64String({ maxLength: 80 }).map(encodeURIComponent));
    const limit = fc.oneof(fc.integer({ min: -5, max: 1000 }).map(String), headerValue.map(encodeURIComponent));
    await fc.assert(
      fc.asyncProperty(cursor, limit, fc.constantFrom('sessions', 'devices'), async (c, l, list) => {
        const path = `/v1/users/fuzz-user/${list}?cursor=${c}&limit=${l}`;
        expectClientAnswer(await send(stack().url, 'GET', path, { 'x-api-key': key() }), path);
      }),
      HTTP_RUNS,
    );
  });
});

describe('users and privacy parsers in memory', () => {
  /** Whatever the input: a value, or one of our 4xx errors; never another exception. */
  function onlyClientErrors(run: () => unknown): void {
    try {
      run();
    } catch (error) {
      if (!(error instanceof EdgeprintError) || error.status >= 500) throw error;
    }
  }

  it('decodeCursor() and pageLimit() throw nothing but 400s', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 700 }), fc.jsonValue().map((value) => Buffer.from(JSON.stringify(value) ?? '').toString('base64url'))), (raw) => {
        onlyClientErrors(() => decodeCursor(raw, isSessionId));
        onlyClientErrors(() => pageLimit(raw));
      }),
      UNIT_RUNS,
    );
  });

  it('matchRoute() and pathParameter() throw nothing but 400s and 404s', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom('v1', 'users', 'sessions', '%', '%ZZ')), { maxLength: 6 }), (parts) => {
        const path = `/${parts.join('/')}`;
        onlyClientErrors(() => matchRoute('/v1/users/{userId}/sessions', path));
        onlyClientErrors(() => pathParameter(path, '/v1/users/{userId}', 'userId', isUserId, USER_ID_RULE));
      }),
      UNIT_RUNS,
    );
  });

  it('bearerToken(), apiKeyFrom() and the link schema accept or refuse, never crash', async () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), fc.jsonValue({ maxDepth: 3 }), (header, body) => {
        onlyClientErrors(() => bearerToken(header));
        onlyClientErrors(() => bearerToken(`Bearer ${header}`));
        const key = apiKeyFrom({ authorization: header, 'x-api-key': header });
        expect(key === undefined || key.length <= 512).toBe(true);
        expect(typeof check(linkSchema, body).success).toBe('boolean');
      }),
      UNIT_RUNS,
    );
    const verifier = tokenVerifier({ secret: 's'.repeat(32) });
    await fc.assert(
      fc.asyncProperty(fc.tuple(fc.base64String(), fc.base64String(), fc.base64String()), async (parts) => {
        const token = parts.join('.').replace(/[+/=]/g, '_');
        await verifier.verify(token).then(
          () => undefined,
          (error: unknown) => {
            if (!(error instanceof EdgeprintError) || error.status !== 401) throw error;
          },
        );
      }),
      { numRuns: 300 },
    );
  });
});
