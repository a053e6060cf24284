import { Agent, request as httpRequest } from 'node:http';
import fc from 'fast-check';
import { resolveRedirectTarget } from '../../layers/core/src/domain/redirect-target';
import { BROWSER_UA, countItems, freshSessionId, hitsFor, useLocalStack } from '../helpers/local-stack';

/**
 * Property-based fuzzing of every public parser, over loopback against the real local stack:
 * whatever arrives, the answer is a 2xx or a clear 4xx, never a 5xx, a 3xx or a stack trace,
 * and a rejected body stores nothing.
 */

const ALLOWED_ORIGIN = 'https://site.example';
const REDIRECT_HOSTS = ['allowed.example', 'allowed.example:8443'];
const RUNS = { numRuns: 200 };

interface Sent {
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body?: string | Uint8Array;
}

interface Answer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

// Short-lived keep-alive sockets: reused while fuzzing, never past the server's 5 s keep-alive.
const agent = new Agent({ keepAlive: true, timeout: 1000, maxSockets: 4 });

/** A raw HTTP/1.1 request (node:http, not fetch: any method, header and body byte gets through). */
function send(base: string, sent: Sent): Promise<Answer> {
  return new Promise((resolve, reject) => {
    // An explicit length: Node sends GET/DELETE/OPTIONS bodies unframed otherwise, and the server would read them as a next request.
    const length = sent.body === undefined ? {} : { 'content-length': String(Buffer.byteLength(sent.body)) };
    const req = httpRequest(`${base}${sent.path}`, { method: sent.method, headers: { ...sent.headers, ...length }, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(sent.body);
  });
}

/** Lone UTF-16 surrogates (fast-check makes them) cannot be percent-encoded; browsers send U+FFFD instead. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const wellFormed = (text: string) => text.replace(LONE_SURROGATE, '\ufffd');

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

/** Everything the client put on the wire, decoded too: a "leak" that merely echoes input is not one. */
function sentText(sent: Sent): string {
  const body = sent.body === undefined ? '' : typeof sent.body === 'string' ? sent.body : Buffer.from(sent.body).toString('utf8');
  const all = [sent.method, sent.path, ...Object.values(sent.headers), body].join('\n');
  return `${all}\n${safeDecode(all)}`;
}

const LEAK_PATTERNS = [
  /\n\s*at \S.*:\d+:\d+/, // a stack frame
  /\bat (?:async )?[\w.<>$]+ \([^)]*:\d+:\d+\)/,
  /\/work\//,
  /[\w-]+\.ts:\d+/,
  /node_modules/,
];

/** The common property: 2xx or 4xx only, no internals in the body, 4xx bodies are our JSON errors. */
function expectSafe(answer: Answer, sent: Sent, errorShape: 'standard' | 'django' = 'standard'): void {
  const context = `${sent.method} ${sent.path.slice(0, 200)} → ${answer.status} ${answer.body.slice(0, 300)}`;
  const ok = (answer.status >= 200 && answer.status < 300) || (answer.status >= 400 && answer.status < 500);
  if (!ok) throw new Error(`unexpected status: ${context}`);
  const echoed = sentText(sent);
  for (const pattern of LEAK_PATTERNS) {
    const match = pattern.exec(answer.body);
    if (match !== null && !echoed.includes(match[0])) throw new Error(`body leaks internals (${match[0]}): ${context}`);
  }
  if (answer.status >= 400 && sent.method !== 'HEAD' && String(answer.headers['content-type']).startsWith('application/json')) {
    const parsed = JSON.parse(answer.body) as { error?: { code?: unknown; message?: unknown }; errors?: unknown };
    if (errorShape === 'django' && answer.status === 400) {
      if (typeof parsed.errors !== 'object' || parsed.errors === null) throw new Error(`activity 400 without errors: ${context}`);
    } else if (parsed.errors === undefined && (typeof parsed.error?.code !== 'string' || typeof parsed.error.message !== 'string')) {
      throw new Error(`4xx without an error code and message: ${context}`);
    }
  }
}

// ---- generators -------------------------------------------------------------------------------

/** Header values Node can put on the wire: tab, printable ASCII and Latin-1. */
const headerChar = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)) },
  { weight: 1, arbitrary: fc.integer({ min: 0x80, max: 0xff }).map((code) => String.fromCharCode(code)) },
  { weight: 1, arbitrary: fc.constant('\t') },
);
// Long values stay under Node's 16 KiB header limit in total, so every request reaches the handlers.
const headerValue = fc.oneof(
  fc.string({ unit: headerChar, maxLength: 80 }),
  fc.constantFrom('', ' ', 'null', 'undefined', '__proto__', 'constructor', '*', '\t', 'x'.repeat(2000)),
);

const BOT_UAS = ['curl/8.5.0', 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)', 'python-requests/2.32'];
const userAgent = fc.option(fc.oneof({ weight: 4, arbitrary: fc.constant(BROWSER_UA) }, fc.constantFrom(...BOT_UAS), headerValue), { nil: undefined, freq: 8 });

const contentType = fc.oneof(
  fc.constantFrom(
    'application/json',
    'APPLICATION/JSON; charset=utf-8',
    'text/plain',
    'text/plain;charset=UTF-8',
    'application/x-www-form-urlencoded',
    'application/x-www-form-urlencoded; charset=utf-8',
    'multipart/form-data; boundary=xyz',
    'application/octet-stream',
    'application/json;;;',
    ';',
    '',
  ),
  headerValue,
);

function cookieFor(session: string) {
  const pair = fc
    .tuple(fc.constantFrom('ep_sid', '__proto__', 'constructor', 'other', 'EP_SID', ''), fc.oneof(fc.constant(session), fc.constant(freshSessionId()), headerValue))
    .map(([name, value]) => `${name}=${value}`);
  return fc.option(fc.oneof(fc.array(pair, { maxLength: 4 }).map((pairs) => pairs.join('; ')), headerValue), { nil: undefined });
}

function originFor(self: string) {
  return fc.option(
    fc.oneof(
      fc.constantFrom(ALLOWED_ORIGIN, self, 'null', 'https://evil.example', 'HTTPS://SITE.EXAMPLE', `${ALLOWED_ORIGIN}/`, `${ALLOWED_ORIGIN}.evil.example`, 'http://site.example'),
      headerValue,
    ),
    { nil: undefined },
  );
}

/** Strings with a bias towards the shapes parsers trip on. */
const hostileString = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.webUrl({ withQueryParameters: true, withFragments: true }),
  fc.constantFrom(
    '',
    ' ',
    'pageview',
    'signup_click',
    'null',
    '__proto__',
    'constructor',
    '0',
    '-1',
    '1e400',
    'NaN',
    'javascript:alert(1)',
    '</script><script>alert(1)</script>',
    '"><img src=x onerror=alert(1)>',
    '\u0000\u001f\u2028\u2029',
    '%00%0d%0a',
    '\ud800',
    'https://site.example/a?b=1&c=2#d',
    'x'.repeat(2049),
    'A'.repeat(65),
    '2026-03-01',
    '2026-03-01T12:00:00',
    '1700000000',
    '2026-13-01T00:00:00Z',
  ),
);
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 5, arbitrary: hostileString },
  fc.double(),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.jsonValue({ maxDepth: 3 }),
  fc.dictionary(fc.oneof(hostileString, fc.constantFrom('__proto__', 'constructor', 'prototype')), fc.oneof(hostileString, fc.double(), fc.boolean()), { maxKeys: 30 }),
);

/** Page urls that are valid, so some bodies pass and exercise the recording path too. */
const pageUrl = fc.oneof(
  fc.nat(50).map((n) => `https://site.example/fuzz/${n}`),
  fc.webUrl({ validSchemes: ['http', 'https'], withQueryParameters: true }),
);

/** Valid fields, sometimes overlaid with hostile values, unknown keys and prototype keys. */
function validOrHostile(valid: fc.Arbitrary<Record<string, unknown>>, names: readonly string[]): fc.Arbitrary<Record<string, unknown>> {
  const hostile = fc.dictionary(fc.constantFrom(...names, 'sessionId', 'ip', 'user', 'constructor', 'prototype', 'unknown'), hostileValue, { maxKeys: 3 });
  return fc.oneof({ weight: 2, arbitrary: valid }, { weight: 3, arbitrary: fc.tuple(valid, hostile).map(([v, h]) => ({ ...v, ...h })) });
}

const collectFields = validOrHostile(
  fc.record(
    {
      id: fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/),
      url: pageUrl,
      ref: fc.webUrl(),
      title: fc.string({ maxLength: 100 }),
      event: fc.constantFrom('pageview', 'pageview', 'signup_click'),
      props: fc.dictionary(fc.stringMatching(/^[a-z_]{1,12}$/), fc.oneof(fc.string({ maxLength: 30 }), fc.integer(), fc.boolean()), { maxKeys: 6 }),
      confidence: fc.double({ min: 0, max: 1, noNaN: true }),
    },
    { requiredKeys: ['url'] },
  ),
  ['id', 'url', 'ref', 'title', 'event', 'props', 'confidence'],
);

/** Prepends a `__proto__` member (JSON.stringify never writes one, and JSON.parse makes it an own key). */
function withProto(json: string, value: unknown): string {
  if (!json.startsWith('{')) return json;
  const member = `"__proto__":${JSON.stringify(value ?? null)}`;
  return json === '{}' ? `{${member}}` : `{${member},${json.slice(1)}`;
}

function toForm(fields: Record<string, unknown>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(fields)) params.append(key, typeof value === 'string' ? wellFormed(value) : JSON.stringify(value) ?? '');
  return params.toString();
}

/** A body in any of the accepted encodings, or garbage. */
function bodyFrom(fields: fc.Arbitrary<Record<string, unknown>>) {
  return fc.oneof(
    { weight: 4, arbitrary: fc.tuple(fields, fc.boolean(), hostileValue).map(([f, proto, v]) => ({ type: 'text/plain;charset=UTF-8', body: proto ? withProto(JSON.stringify(f), v) : JSON.stringify(f) })) },
    { weight: 2, arbitrary: fields.map((f) => ({ type: 'application/json', body: JSON.stringify(f) })) },
    { weight: 2, arbitrary: fc.tuple(fields, fc.boolean()).map(([f, proto]) => ({ type: 'application/x-www-form-urlencoded', body: `${toForm(f)}${proto ? '&__proto__=x' : ''}` })) },
    fc.tuple(contentType, fc.oneof(fc.jsonValue().map((v) => JSON.stringify(v) ?? ''), fc.string({ unit: 'binary', maxLength: 200 }).map(wellFormed))).map(([type, body]) => ({ type, body })),
    fc.tuple(contentType, fc.uint8Array({ maxLength: 300 })).map(([type, body]) => ({ type, body: Buffer.from(body) as Uint8Array })),
    fc.constant({ type: 'text/plain', body: `{"id":"big","pad":"${'p'.repeat(17 * 1024)}"}` }),
  );
}

const activityFields = validOrHostile(
  fc.record(
    {
      date: fc.oneof(fc.date({ noInvalidDate: true, min: new Date('1970-01-01'), max: new Date('2999-12-31') }).map((d) => d.toISOString()), fc.constant('2026-03-01T12:00:00+02:00')),
      path: fc.oneof(fc.constantFrom('/settings', '/a/b?c=d'), fc.string({ maxLength: 50 })),
      referer: fc.webUrl(),
    },
    { requiredKeys: ['date'] },
  ),
  ['date', 'path', 'referer', 'session'],
);

/** `next` values: arbitrary strings and the open-redirect tricks, with allowed and foreign hosts. */
const nextValue = fc.oneof(
  fc.string({ maxLength: 60 }),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.webUrl({ withQueryParameters: true, withFragments: true }),
  fc
    .tuple(
      fc.constantFrom('http://', 'https://', '//', '///', '\\\\', '/\\', '\\/', 'http:', 'https:', 'HTTP://', ' //', '\t//', '/%2F', '%2F%2F', 'javascript:', 'data:text/html,', 'mailto:', 'ftp://', 'http:/', 'https:\\\\', ''),
      fc.constantFrom('allowed.example', 'allowed.example:8443', 'allowed.example:9999', 'evil.example', 'allowed.example.evil.example', 'evil.example@allowed.example', 'allowed.example@evil.example', 'ALLOWED.EXAMPLE', 'allowed.example:80', '127.0.0.1', '[::1]', 'xn--80ak6aa92e.com', ''),
      fc.constantFrom('', '/', '/p?a=1&b=2', '/</script><script>alert(1)</script>', '/"onload="x', '#x', '?next=//evil.example', '/%0d%0aSet-Cookie:x=1'),
    )
    .map(([scheme, host, tail]) => `${scheme}${host}${tail}`),
);

/** Raw query text: the characters Node lets into a request target. */
const rawQuery = fc.string({ unit: fc.integer({ min: 0x21, max: 0xff }).filter((code) => code !== 0x23 && (code < 0x7f || code > 0x9f)).map((code) => String.fromCharCode(code)), maxLength: 80 });

function encode(value: string): string {
  return encodeURIComponent(wellFormed(value));
}

// ---- the properties ---------------------------------------------------------------------------

describe('parsers under fuzzing', () => {
  const stack = useLocalStack({ env: { EDGEPRINT_ALLOWED_ORIGINS: ALLOWED_ORIGIN, EDGEPRINT_REDIRECT_HOSTS: REDIRECT_HOSTS.join(',') } });
  const base = () => stack().url;

  afterAll(() => agent.destroy());

  /** Item count after the previous request (requests run one at a time, so one scan per run suffices). */
  let itemCount = 0;
  async function expectNothingStoredIf(rejected: boolean): Promise<void> {
    const now = await countItems(stack());
    if (rejected) expect(now).toBe(itemCount);
    itemCount = now;
  }

  it('POST /v1/collect: any body answers 2xx or 4xx, and a rejected body stores nothing', async () => {
    itemCount = await countItems(stack());
    await fc.assert(
      fc.asyncProperty(bodyFrom(collectFields), userAgent, async ({ type, body }, ua) => {
        const sent: Sent = { method: 'POST', path: '/v1/collect', headers: { 'content-type': type, ...(ua === undefined ? {} : { 'user-agent': ua }) }, body };
        const answer = await send(base(), sent);
        expectSafe(answer, sent);
        await expectNothingStoredIf(answer.status >= 400);
      }),
      {
        ...RUNS,
        // Found by this property: numbers DynamoDB cannot store used to fail the write with a 503.
        examples: [
          [{ type: 'application/json', body: '{"url":"https://site.example/fuzz/0","confidence":5e-324}' }, BROWSER_UA],
          [{ type: 'text/plain', body: '{"url":"https://site.example/fuzz/0","event":"e","props":{"n":1e300}}' }, BROWSER_UA],
        ],
      },
    );
  });

  it('POST /v1/collect: hostile Origin, Cookie, Content-Type and User-Agent headers never give a 5xx or a foreign CORS grant', async () => {
    const session = freshSessionId();
    await fc.assert(
      fc.asyncProperty(originFor(base()), cookieFor(session), contentType, userAgent, collectFields, async (origin, cookie, type, ua, fields) => {
        const headers: Record<string, string> = { 'content-type': type };
        if (origin !== undefined) headers.origin = origin;
        if (cookie !== undefined) headers.cookie = cookie;
        if (ua !== undefined) headers['user-agent'] = ua;
        const sent: Sent = { method: 'POST', path: '/v1/collect', headers, body: JSON.stringify(fields) };
        const answer = await send(base(), sent);
        expectSafe(answer, sent);
        const granted = answer.headers['access-control-allow-origin'];
        if (granted !== undefined) expect(granted).toBe(ALLOWED_ORIGIN);
        const sentOrigin = origin?.trim().toLowerCase(); // Node trims header whitespace, as API Gateway does
        const allowed = sentOrigin === undefined || sentOrigin === ALLOWED_ORIGIN || sentOrigin === base().toLowerCase();
        if (!allowed) expect(answer.status).toBe(403);
      }),
      { numRuns: 150 },
    );
  });

  it('POST /v1/activity: any body answers 2xx or 4xx in the activity error shape, and a rejected body stores nothing', async () => {
    const session = freshSessionId();
    itemCount = await countItems(stack());
    await fc.assert(
      fc.asyncProperty(bodyFrom(activityFields), cookieFor(session), fc.option(headerValue, { nil: undefined }), async ({ type, body }, cookie, referer) => {
        const headers: Record<string, string> = { 'content-type': type, 'user-agent': BROWSER_UA };
        if (cookie !== undefined) headers.cookie = cookie;
        if (referer !== undefined) headers.referer = referer;
        const sent: Sent = { method: 'POST', path: '/v1/activity', headers, body };
        const answer = await send(base(), sent);
        expectSafe(answer, sent, 'django');
        await expectNothingStoredIf(answer.status >= 400);
      }),
      RUNS,
    );
  });

  it('GET /v1/hits: any query string answers 200 with a count per url, or 400, and reading creates nothing', async () => {
    const query = fc.oneof(
      fc.array(fc.oneof(pageUrl, hostileString), { maxLength: 110 }).map((urls) => urls.map((url) => `url=${encode(url)}`).join('&')),
      fc.array(fc.tuple(fc.constantFrom('url', 'URL', 'url[]', '__proto__', 'constructor'), hostileString), { maxLength: 6 }).map((pairs) => pairs.map(([name, value]) => `${name}=${encode(value)}`).join('&')),
      rawQuery,
    );
    itemCount = await countItems(stack());
    await fc.assert(
      fc.asyncProperty(query, fc.constantFrom('GET', 'HEAD'), async (q, method) => {
        const sent: Sent = { method, path: `/v1/hits?${q}`, headers: { 'user-agent': BROWSER_UA } };
        const answer = await send(base(), sent);
        expectSafe(answer, sent);
        await expectNothingStoredIf(true);
        if (answer.status === 200 && method === 'GET') {
          const { counts } = JSON.parse(answer.body) as { counts: Record<string, unknown> };
          const asked = new URLSearchParams(new URL(`http://x/?${q}`).search).getAll('url');
          expect(Object.keys(counts).sort()).toEqual([...new Set(asked)].sort());
          for (const count of Object.values(counts)) expect(Number.isInteger(count) && (count as number) >= 0).toBe(true);
        }
      }),
      RUNS,
    );
  });

  it('GET /v1/r?next=…: any value answers 200 or 400, and a 200 page only ever sends the browser to its own origin or an allowed host', async () => {
    const query = fc.oneof(
      { weight: 6, arbitrary: nextValue.map((next) => `next=${encode(next)}`) },
      { weight: 2, arbitrary: rawQuery.map((raw) => `next=${raw}`) },
      fc.tuple(nextValue, nextValue).map(([a, b]) => `next=${encode(a)}&next=${encode(b)}`),
      fc.constantFrom('', 'next', 'next=', 'nxt=/a', 'next=%', 'next=%zz', 'next=%E0%A4%A'),
    );
    await fc.assert(
      fc.asyncProperty(query, fc.constantFrom('GET', 'GET', 'GET', 'HEAD'), async (q, method) => {
        const sent: Sent = { method, path: `/v1/r${q === '' ? '' : `?${q}`}`, headers: { 'user-agent': BROWSER_UA } };
        const answer = await send(base(), sent);
        expectSafe(answer, sent);
        expect([200, 400]).toContain(answer.status);
        if (answer.status === 200 && method === 'GET') expectSafeRedirectPage(answer, base());
      }),
      { numRuns: 300 },
    );
  });

  it('any method on any route answers 2xx or 4xx, and 405 names the allowed methods', async () => {
    const route = fc.constantFrom('/v1/collect', '/v1/activity', '/v1/hits?url=https%3A%2F%2Fsite.example%2F', '/v1/r?next=%2Fa');
    const method = fc.constantFrom('GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'TRACE', 'PROPFIND', 'FOO', 'get');
    await fc.assert(
      fc.asyncProperty(route, method, originFor(base()), fc.option(fc.string({ maxLength: 50 }), { nil: undefined }), async (path, m, origin, body) => {
        const headers: Record<string, string> = { 'user-agent': BROWSER_UA, 'content-type': 'text/plain' };
        if (origin !== undefined) headers.origin = origin;
        const sent: Sent = { method: m, path, headers, body: body === undefined ? undefined : wellFormed(body) };
        const answer = await send(base(), sent);
        expectSafe(answer, sent);
        if (answer.status === 405) expect(String(answer.headers.allow)).toMatch(/^[A-Z, ]+OPTIONS$/);
        const granted = answer.headers['access-control-allow-origin'];
        if (granted !== undefined) expect(granted).toBe(ALLOWED_ORIGIN);
      }),
      RUNS,
    );
  });

  it('still records and counts normally after the fuzzing', async () => {
    const url = `https://site.example/after-fuzz/${Date.now()}`;
    const answer = await send(base(), {
      method: 'POST',
      path: '/v1/collect',
      headers: { 'content-type': 'text/plain', 'user-agent': BROWSER_UA },
      body: JSON.stringify({ id: 'afterFuzz', url }),
    });
    expect(answer.status).toBe(204);
    expect(await hitsFor(stack(), [url])).toEqual({ [url]: 1 });
  });
});

function unescapeHtml(text: string): string {
  return text.replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code))).replace(/&(amp|lt|gt|quot);/g, (_, name: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"' })[name] ?? '');
}

/** Parses the redirect page and checks every way it can send the browser on. */
function expectSafeRedirectPage(answer: Answer, requestOrigin: string): void {
  expect(answer.headers['content-type']).toMatch(/^text\/html/);
  expect(answer.headers['content-security-policy']).toMatch(/script-src 'sha256-/);
  const html = answer.body;
  // Input cannot open or close a script: exactly the snippet and the inline script.
  expect(html.match(/<script/gi)).toHaveLength(2);
  expect(html.match(/<\/script/gi)).toHaveLength(2);
  const refresh = /<meta http-equiv="refresh" content="3;url=([^"]*)">/.exec(html);
  const link = /<a href="([^"]*)">/.exec(html);
  const script = /<script>\(function\(\)\{var t=("(?:[^"\\]|\\.)*"),/.exec(html);
  expect(refresh).not.toBeNull();
  expect(link).not.toBeNull();
  expect(script).not.toBeNull();
  const targets = [unescapeHtml(refresh?.[1] ?? ''), unescapeHtml(link?.[1] ?? ''), JSON.parse(script?.[1] ?? '""') as string];
  expect(new Set(targets).size).toBe(1);
  const target = new URL(targets[0] as string);
  expect(['http:', 'https:']).toContain(target.protocol);
  expect(target.username + target.password).toBe('');
  if (target.origin !== requestOrigin) expect(REDIRECT_HOSTS).toContain(target.host);
}

describe('resolveRedirectTarget()', () => {
  const origins = fc.constantFrom('https://api.example', 'http://127.0.0.1:3000', 'https://site.example:8443');

  it('for any input, rejects or returns an absolute URL on the request origin or an allowed host that resolves to itself', () => {
    fc.assert(
      fc.property(fc.oneof(nextValue, fc.string({ unit: 'binary', maxLength: 80 }), fc.string({ maxLength: 200 })), origins, (next, origin) => {
        const decision = resolveRedirectTarget(next, origin, REDIRECT_HOSTS);
        if (!decision.ok) return;
        const target = new URL(decision.target);
        expect(['http:', 'https:']).toContain(target.protocol);
        if (target.origin !== origin) expect(REDIRECT_HOSTS).toContain(target.host);
        expect(new URL(decision.target, origin).href).toBe(decision.target);
        expect(target.href).toBe(decision.target);
      }),
      { numRuns: 3000 },
    );
  });

  it('allows nothing but the request origin when no host is configured', () => {
    fc.assert(
      fc.property(nextValue, origins, (next, origin) => {
        const decision = resolveRedirectTarget(next, origin, []);
        if (decision.ok) expect(new URL(decision.target).origin).toBe(origin);
      }),
      { numRuns: 1000 },
    );
  });
});
