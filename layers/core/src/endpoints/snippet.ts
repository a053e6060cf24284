import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import type { HttpRequest } from '../http/request';
import { compressible, encodedTextResponse, type CompressibleText } from '../http/compression';
import type { HttpResponse } from '../http/responses';
import { NotFoundError } from '../errors';

interface SnippetAsset {
  /** The script, with its brotli and gzip forms made once per process (on first use). */
  readonly body: CompressibleText;
  /** Content hash (22 base64url characters of its SHA-256): the ETag and the `?v=` of a pinned URL. */
  readonly hash: string;
}

/** The plain URL: cached a day, then revalidated (304) in the background, so a deploy reaches browsers within a day. */
export const SNIPPET_CACHE_CONTROL = 'public, max-age=86400, stale-while-revalidate=604800';
/** The hashed URL (`?v=<hash>`) never changes content, so browsers and CDNs may keep it a year. */
export const SNIPPET_PINNED_CACHE_CONTROL = 'public, max-age=31536000, immutable';

let cached: { file: string; mtimeMs: number; asset: SnippetAsset } | undefined;

function loadSnippet(file: string): SnippetAsset | undefined {
  let mtimeMs: number;
  try {
    mtimeMs = statSync(file).mtimeMs;
  } catch {
    return undefined;
  }
  // Re-read when the file changed (a local rebuild); in Lambda it never does.
  if (cached?.file !== file || cached.mtimeMs !== mtimeMs) {
    try {
      const body = readFileSync(file, 'utf8');
      cached = { file, mtimeMs, asset: { body: compressible(body), hash: createHash('sha256').update(body).digest('base64url').slice(0, 22) } };
    } catch {
      return undefined;
    }
  }
  return cached.asset;
}

/**
 * The content hash of the built snippet, for pinned URLs (`/v1/snippet.js?v=<hash>`); undefined
 * when the file is missing.
 * @example snippetHash('client-snippet/dist/snippet.js') // 'Xw3…' (22 characters)
 */
export function snippetHash(file: string): string | undefined {
  return loadSnippet(file)?.hash;
}

function matches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (ifNoneMatch === undefined) return false;
  return ifNoneMatch.split(',').some((tag) => {
    const value = tag.trim().replace(/^W\//, '');
    return value === etag || value === '*';
  });
}

/**
 * `GET /v1/snippet.js`: the browser script, first-party, brotli or gzip as the browser accepts
 * (compressed once per process), with a content-hash ETag (304 on `If-None-Match`). `?v=<hash>` pins the URL to the content: when it matches, the answer is
 * `immutable` for a year; any other `v` gets the current script with the plain URL's caching.
 * @example await serveSnippet(request, '/var/task/snippet.js')
 */
export async function serveSnippet(request: HttpRequest, file: string): Promise<HttpResponse> {
  const asset = loadSnippet(file);
  if (asset === undefined) throw new NotFoundError('Snippet not built');
  const etag = `"${asset.hash}"`;
  const headers = {
    etag,
    'cache-control': request.query.get('v') === asset.hash ? SNIPPET_PINNED_CACHE_CONTROL : SNIPPET_CACHE_CONTROL,
    'cross-origin-resource-policy': 'cross-origin',
  };
  if (matches(request.headers['if-none-match'], etag)) return { statusCode: 304, headers: { ...headers, vary: 'accept-encoding' } };
  return encodedTextResponse(request, 200, asset.body, 'text/javascript; charset=utf-8', headers);
}
