import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { HttpRequest } from '../http/request';
import { textResponse, type HttpResponse } from '../http/responses';
import { NotFoundError } from '../errors';

interface SnippetAsset {
  readonly body: string;
  readonly etag: string;
}

let cached: { file: string; asset: SnippetAsset | undefined } | undefined;

function loadSnippet(file: string): SnippetAsset | undefined {
  if (cached?.file !== file) {
    let asset: SnippetAsset | undefined;
    try {
      const body = readFileSync(file, 'utf8');
      asset = { body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"` };
    } catch {
      asset = undefined;
    }
    cached = { file, asset };
  }
  return cached.asset;
}

/**
 * `GET /v1/snippet.js`: the browser script, first-party. Content-hash ETag; revalidated cheaply
 * (304) after a day, so a new deploy reaches browsers within a day without a URL change.
 */
export async function serveSnippet(request: HttpRequest, file: string): Promise<HttpResponse> {
  const asset = loadSnippet(file);
  if (asset === undefined) throw new NotFoundError('Snippet not built');
  const headers = {
    etag: asset.etag,
    'cache-control': 'public, max-age=86400, stale-while-revalidate=604800',
    'cross-origin-resource-policy': 'cross-origin',
  };
  if (request.headers['if-none-match'] === asset.etag) return { statusCode: 304, headers };
  return textResponse(200, request.method === 'HEAD' ? '' : asset.body, 'text/javascript; charset=utf-8', headers);
}
