import { request as httpRequest } from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { useLocalStack } from '../helpers/local-stack';

/**
 * Issue 12 point 3 over the local server (the same handler modules Lambda runs, over loopback): the
 * snippet and every text asset compressed by Accept-Encoding, and HEAD carrying GET's length.
 */

interface Raw {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  /** The bytes as sent, not decoded. */
  readonly body: Buffer;
}

function raw(url: string, method: 'GET' | 'HEAD', headers: Record<string, string> = {}): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method, headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }));
      response.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

const FIRST_LOAD_BUDGET = 18 * 1024;
const BOT = 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)';

describe('compressed delivery (local server)', () => {
  const stack = useLocalStack();

  it('sends the snippet brotli- or gzip-compressed within 18 KiB on the wire, decoding to the plain script', async () => {
    const plain = await raw(`${stack().url}/v1/snippet.js`, 'GET');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.length).toBeGreaterThan(FIRST_LOAD_BUDGET);
    const gzip = await raw(`${stack().url}/v1/snippet.js`, 'GET', { 'accept-encoding': 'gzip, deflate' });
    const br = await raw(`${stack().url}/v1/snippet.js`, 'GET', { 'accept-encoding': 'gzip, deflate, br' });
    expect([gzip.headers['content-encoding'], br.headers['content-encoding']]).toEqual(['gzip', 'br']);
    expect(gunzipSync(gzip.body).equals(plain.body)).toBe(true);
    expect(brotliDecompressSync(br.body).equals(plain.body)).toBe(true);
    for (const answer of [plain, gzip, br]) {
      expect(answer.headers.vary).toMatch(/accept-encoding/i);
      expect(answer.headers.etag).toBe(plain.headers.etag);
      expect(Number(answer.headers['content-length'])).toBe(answer.body.length);
    }
    expect(gzip.body.length).toBeLessThanOrEqual(FIRST_LOAD_BUDGET);
    expect(br.body.length).toBeLessThan(gzip.body.length);
  });

  it.each([
    ['the snippet', '/v1/snippet.js', {}],
    ['the redirect page', `/v1/r?next=${encodeURIComponent('/somewhere')}`, { 'user-agent': BOT }],
    ['the dashboard script', '/dashboard/app.js', {}],
    ['the dashboard stylesheet', '/dashboard/app.css', {}],
    ['the dashboard sign-in page', '/dashboard', {}],
  ])('answers HEAD on %s with the headers and Content-Length GET sends, and no body', async (_name, path, extra) => {
    for (const encoding of [undefined, 'gzip', 'br']) {
      const headers: Record<string, string> = { ...extra, ...(encoding === undefined ? {} : { 'accept-encoding': encoding }) };
      const get = await raw(`${stack().url}${path}`, 'GET', headers);
      const head = await raw(`${stack().url}${path}`, 'HEAD', headers);
      expect(head.status).toBe(200);
      expect(head.body.length).toBe(0);
      expect(Number(head.headers['content-length'])).toBe(get.body.length);
      expect(get.body.length).toBeGreaterThan(0);
      expect(head.headers['content-encoding']).toBe(get.headers['content-encoding']);
      expect(get.headers['content-encoding']).toBe(encoding);
    }
  });
});
