import fc from 'fast-check';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { compressible, encodedTextResponse, negotiateEncoding, varyWith } from '../../../../layers/core/src/http/compression';

describe('negotiateEncoding()', () => {
  it.each([
    ['gzip, deflate, br', 'br'],
    ['gzip, deflate, br, zstd', 'br'],
    ['gzip, deflate', 'gzip'],
    ['GZIP', 'gzip'],
    ['br;q=0, gzip', 'gzip'],
    ['br;q=0.5, gzip;q=1', 'br'],
    ['gzip;q=0', undefined],
    ['*', 'br'],
    ['*;q=0, gzip', 'gzip'],
    ['identity', undefined],
    ['deflate', undefined],
    ['', undefined],
    [' , ;q=1, ', undefined],
    ['br;q=abc', 'br'],
  ])('%j → %j', (header, expected) => {
    expect(negotiateEncoding(header)).toBe(expected);
  });

  it('reads no header and an over-long one as no compression', () => {
    expect(negotiateEncoding(undefined)).toBeUndefined();
    expect(negotiateEncoding(`gzip,${' '.repeat(600)}`)).toBeUndefined();
  });

  it('never throws and answers only br, gzip or nothing, for any header (fast-check)', () => {
    const token = fc.constantFrom('br', 'gzip', 'deflate', 'identity', '*', 'zstd', 'x-gzip', '', ';', 'q=', 'q=0', 'q=1', 'q=0.001', ' ', ',');
    const header = fc.oneof(fc.string({ maxLength: 700 }), fc.array(token, { maxLength: 30 }).map((parts) => parts.join('')));
    fc.assert(
      fc.property(header, (value) => {
        const chosen = negotiateEncoding(value);
        expect([undefined, 'br', 'gzip']).toContain(chosen);
        // What is chosen is something the header named (itself or through `*`).
        if (chosen !== undefined) expect(value.toLowerCase()).toMatch(new RegExp(`${chosen}|\\*`));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('encodedTextResponse()', () => {
  const text = 'edgeprint '.repeat(200);
  const request = (acceptEncoding?: string) => ({ headers: acceptEncoding === undefined ? {} : { 'accept-encoding': acceptEncoding } });

  it('compresses a dynamic page by Accept-Encoding, base64 with isBase64Encoded, decoding to the same text', () => {
    const br = encodedTextResponse(request('gzip, br'), 200, text, 'text/html; charset=utf-8');
    expect(br).toMatchObject({ statusCode: 200, isBase64Encoded: true, headers: { 'content-encoding': 'br', vary: 'accept-encoding', 'content-type': 'text/html; charset=utf-8' } });
    expect(brotliDecompressSync(Buffer.from(br.body as string, 'base64')).toString('utf8')).toBe(text);
    const gzip = encodedTextResponse(request('gzip'), 200, compressible(text), 'text/css');
    expect(gunzipSync(Buffer.from(gzip.body as string, 'base64')).toString('utf8')).toBe(text);
  });

  it('sends small bodies and unaccepted encodings as they are, still varying on Accept-Encoding', () => {
    expect(encodedTextResponse(request('br'), 200, 'tiny', 'text/plain')).toEqual({
      statusCode: 200,
      headers: { 'x-content-type-options': 'nosniff', 'content-type': 'text/plain', vary: 'accept-encoding' },
      body: 'tiny',
    });
    const plain = encodedTextResponse(request('identity'), 200, text, 'text/plain', { vary: 'origin' });
    expect(plain.body).toBe(text);
    expect(plain.headers.vary).toBe('origin, accept-encoding');
  });
});

describe('varyWith()', () => {
  it.each([
    [undefined, 'origin', 'origin'],
    ['accept-encoding', 'origin', 'accept-encoding, origin'],
    ['Origin', 'origin', 'Origin'],
    ['a, b', 'b', 'a, b'],
  ])('%j + %j → %j', (vary, name, expected) => {
    expect(varyWith(vary, name)).toBe(expected);
  });
});
