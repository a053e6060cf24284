import zlib, { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NotFoundError } from '../../../../layers/core/src/errors';
import type { HttpRequest } from '../../../../layers/core/src/http/request';
import {
  serveSnippet,
  SNIPPET_CACHE_CONTROL,
  SNIPPET_PINNED_CACHE_CONTROL,
  snippetHash,
} from '../../../../layers/core/src/endpoints/snippet';

function request(options: { method?: string; query?: string; ifNoneMatch?: string; acceptEncoding?: string } = {}): HttpRequest {
  const headers: Record<string, string> = {};
  if (options.ifNoneMatch !== undefined) headers['if-none-match'] = options.ifNoneMatch;
  if (options.acceptEncoding !== undefined) headers['accept-encoding'] = options.acceptEncoding;
  return {
    method: options.method ?? 'GET',
    path: '/v1/snippet.js',
    query: new URLSearchParams(options.query ?? ''),
    headers,
    cookies: new Map(),
    rawBody: undefined,
    origin: 'https://api.example',
    basePath: '',
    url: `https://api.example/v1/snippet.js${options.query === undefined ? '' : `?${options.query}`}`,
    secure: true,
    clientIp: '192.0.2.1',
    requestId: 'test',
  };
}

const hashOf = (body: string) => createHash('sha256').update(body).digest('base64url').slice(0, 22);

describe('serveSnippet()', () => {
  let dir: string;
  let file: string;
  let largeFile: string;
  const body = '(()=>{console.log("v1")})();';
  /** Big enough to be worth compressing (a short body is sent as it is). */
  const largeBody = Array.from({ length: 200 }, (_, index) => `var signal${index}=navigator.userAgent.length+${index};`).join('\n');

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'edgeprint-serve-'));
    file = join(dir, 'snippet.js');
    writeFileSync(file, body);
    largeFile = join(dir, 'large.js');
    writeFileSync(largeFile, largeBody);
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves the script with a content-hash ETag and the plain cache policy', async () => {
    const response = await serveSnippet(request(), file);
    expect(response.statusCode).toBe(200);
    expect(response.body).toBe(body);
    expect(response.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(response.headers.etag).toBe(`"${hashOf(body)}"`);
    expect(snippetHash(file)).toBe(hashOf(body));
    expect(response.headers['cache-control']).toBe(SNIPPET_CACHE_CONTROL);
    expect(response.headers['x-content-type-options']).toBe('nosniff');
  });

  // Issue 12: HEAD carries the length GET would send; the HTTP layer (API Gateway, the local server) drops the body.
  it('answers HEAD with what GET answers, in the same encoding', async () => {
    for (const acceptEncoding of [undefined, 'gzip', 'gzip, deflate, br']) {
      const head = await serveSnippet(request({ method: 'HEAD', acceptEncoding }), largeFile);
      const get = await serveSnippet(request({ acceptEncoding }), largeFile);
      expect(head).toEqual(get);
    }
  });

  describe('compression', () => {
    it('answers brotli when accepted, else gzip, else the plain script, always with Vary: Accept-Encoding', async () => {
      const br = await serveSnippet(request({ acceptEncoding: 'gzip, deflate, br' }), largeFile);
      expect(br.headers['content-encoding']).toBe('br');
      expect(br.isBase64Encoded).toBe(true);
      expect(brotliDecompressSync(Buffer.from(br.body as string, 'base64')).toString('utf8')).toBe(largeBody);
      const gzip = await serveSnippet(request({ acceptEncoding: 'gzip, deflate' }), largeFile);
      expect(gzip.headers['content-encoding']).toBe('gzip');
      expect(gunzipSync(Buffer.from(gzip.body as string, 'base64')).toString('utf8')).toBe(largeBody);
      const plain = await serveSnippet(request({ acceptEncoding: 'identity' }), largeFile);
      expect(plain.headers['content-encoding']).toBeUndefined();
      expect(plain.body).toBe(largeBody);
      for (const response of [br, gzip, plain]) {
        expect(response.headers.vary).toBe('accept-encoding');
        expect(response.headers.etag).toBe(`"${hashOf(largeBody)}"`);
      }
      expect(Buffer.from(br.body as string, 'base64').length).toBeLessThan(Buffer.from(gzip.body as string, 'base64').length);
    });

    it('compresses each encoding once per process, not per request', async () => {
      const first = await serveSnippet(request({ acceptEncoding: 'br' }), largeFile);
      const second = await serveSnippet(request({ acceptEncoding: 'br' }), largeFile);
      expect(second.body).toBe(first.body);
      const spy = jest.spyOn(zlib, 'brotliCompressSync');
      try {
        await serveSnippet(request({ acceptEncoding: 'br' }), largeFile);
        expect(spy).not.toHaveBeenCalled();
      } finally {
        spy.mockRestore();
      }
    });
  });

  it.each([
    ['the exact tag', (tag: string) => tag],
    ['a weak tag', (tag: string) => `W/${tag}`],
    ['a list holding it', (tag: string) => `"other", ${tag}`],
    ['*', () => '*'],
  ])('answers 304 without a body for If-None-Match with %s', async (_name, header) => {
    const response = await serveSnippet(request({ ifNoneMatch: header(`"${hashOf(body)}"`) }), file);
    expect(response.statusCode).toBe(304);
    expect(response.body).toBeUndefined();
    expect(response.headers.etag).toBe(`"${hashOf(body)}"`);
  });

  it('answers 200 for a stale If-None-Match', async () => {
    const response = await serveSnippet(request({ ifNoneMatch: '"stale"' }), file);
    expect(response.statusCode).toBe(200);
    expect(response.body).toBe(body);
  });

  it('makes the hashed URL immutable for a year, and only when the hash is current', async () => {
    const pinned = await serveSnippet(request({ query: `v=${hashOf(body)}` }), file);
    expect(pinned.headers['cache-control']).toBe(SNIPPET_PINNED_CACHE_CONTROL);
    expect(pinned.headers['cache-control']).toContain('immutable');
    const stale = await serveSnippet(request({ query: 'v=not-the-hash' }), file);
    expect(stale.statusCode).toBe(200);
    expect(stale.body).toBe(body);
    expect(stale.headers['cache-control']).toBe(SNIPPET_CACHE_CONTROL);
  });

  it('picks up a rebuilt file: new body, new ETag, and the old ETag no longer matches', async () => {
    const before = await serveSnippet(request(), file);
    const rebuilt = '(()=>{console.log("v2")})();';
    writeFileSync(file, rebuilt);
    utimesSync(file, new Date(), new Date(Date.now() + 5000));
    const after = await serveSnippet(request({ ifNoneMatch: before.headers.etag }), file);
    expect(after.statusCode).toBe(200);
    expect(after.body).toBe(rebuilt);
    expect(after.headers.etag).toBe(`"${hashOf(rebuilt)}"`);
  });

  it('is a 404 NotFoundError when the snippet was not built', async () => {
    await expect(serveSnippet(request(), join(dir, 'missing.js'))).rejects.toBeInstanceOf(NotFoundError);
    expect(snippetHash(join(dir, 'missing.js'))).toBeUndefined();
  });
});
