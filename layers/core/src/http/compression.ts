import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import type { HttpRequest } from './request';
import type { HttpResponse } from './responses';

export type ContentEncoding = 'br' | 'gzip';

/** Longer headers are not a browser's: they are read as asking for no compression. */
const MAX_ACCEPT_ENCODING = 512;

/**
 * The encoding to answer with, from `Accept-Encoding`: brotli when acceptable (smallest), else gzip,
 * else none. A coding listed with `q=0` is refused, `*` stands for any coding not listed, and
 * anything unparsable is ignored (the identity answer is always acceptable in practice).
 * @example negotiateEncoding('gzip, deflate, br') // 'br'
 * @example negotiateEncoding('br;q=0, gzip') // 'gzip'
 */
export function negotiateEncoding(acceptEncoding: string | undefined): ContentEncoding | undefined {
  if (acceptEncoding === undefined || acceptEncoding.length > MAX_ACCEPT_ENCODING) return undefined;
  const weights = new Map<string, number>();
  for (const part of acceptEncoding.split(',')) {
    const [name, ...parameters] = part.split(';').map((piece) => piece.trim().toLowerCase());
    if (name === undefined || name.length === 0) continue;
    let q = 1;
    for (const parameter of parameters) {
      const match = /^q=([01](\.\d{0,3})?)$/.exec(parameter);
      if (match !== null) q = Number(match[1]);
    }
    if (!weights.has(name)) weights.set(name, q);
  }
  const weight = (coding: ContentEncoding) => weights.get(coding) ?? weights.get('*') ?? 0;
  if (weight('br') > 0) return 'br';
  if (weight('gzip') > 0) return 'gzip';
  return undefined;
}

/** A text body with its compressed forms, each made once, on first use. */
export interface CompressibleText {
  readonly text: string;
  encoded(encoding: ContentEncoding): Buffer;
}

/**
 * Wraps a text so its brotli and gzip forms are computed once (the first request that asks for
 * each) and reused: static assets are compressed once per process, not per request.
 * @example const asset = compressible(readFileSync(file, 'utf8')); asset.encoded('br').length
 */
export function compressible(text: string): CompressibleText {
  const cache = new Map<ContentEncoding, Buffer>();
  return {
    text,
    encoded(encoding) {
      let body = cache.get(encoding);
      if (body === undefined) {
        const input = Buffer.from(text, 'utf8');
        body =
          encoding === 'br'
            ? brotliCompressSync(input, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT, [constants.BROTLI_PARAM_SIZE_HINT]: input.length } })
            : gzipSync(input, { level: 9 });
        cache.set(encoding, body);
      }
      return body;
    },
  };
}

/** Below this, compression saves less than its own framing is worth. */
const MIN_COMPRESS_BYTES = 256;

/**
 * A 200 (or other) text answer in the encoding the request accepts (`Vary: Accept-Encoding`
 * always). Compressed bodies go base64 with `isBase64Encoded`, which API Gateway decodes and passes
 * on with our `Content-Encoding`. HEAD gets the same body as GET: API Gateway and the local server
 * send its length and drop the body, so `Content-Length` is what GET would send.
 * Dynamic pages pass a plain string (compressed per request, at a quicker brotli level).
 * @example return encodedTextResponse(request, 200, asset, 'text/javascript; charset=utf-8', { etag })
 */
export function encodedTextResponse(
  request: Pick<HttpRequest, 'headers'>,
  statusCode: number,
  body: CompressibleText | string,
  contentType: string,
  headers: Record<string, string> = {},
): HttpResponse {
  const text = typeof body === 'string' ? body : body.text;
  const base = { 'x-content-type-options': 'nosniff', 'content-type': contentType, ...headers, vary: varyWith(headers.vary, 'accept-encoding') };
  const encoding = Buffer.byteLength(text, 'utf8') < MIN_COMPRESS_BYTES ? undefined : negotiateEncoding(request.headers['accept-encoding']);
  if (encoding === undefined) return { statusCode, headers: base, body: text };
  const encoded = typeof body === 'string' ? compressDynamic(text, encoding) : body.encoded(encoding);
  return { statusCode, headers: { ...base, 'content-encoding': encoding }, body: encoded.toString('base64'), isBase64Encoded: true };
}

function compressDynamic(text: string, encoding: ContentEncoding): Buffer {
  const input = Buffer.from(text, 'utf8');
  // Quality 5 is a fraction of a millisecond for a page of a few KB, and within a few % of 11.
  return encoding === 'br' ? brotliCompressSync(input, { params: { [constants.BROTLI_PARAM_QUALITY]: 5 } }) : gzipSync(input, { level: 6 });
}

/**
 * Adds a header name to a `Vary` value once (case-insensitive).
 * @example varyWith('accept-encoding', 'origin') // 'accept-encoding, origin'
 */
export function varyWith(vary: string | undefined, name: string): string {
  const names = (vary ?? '').split(',').map((part) => part.trim()).filter((part) => part.length > 0);
  return names.some((part) => part.toLowerCase() === name.toLowerCase()) ? names.join(', ') : [...names, name].join(', ');
}
