import { canonicalPageUrl, MAX_URL_LENGTH } from '../domain/page-url';
import { InvalidPayloadError } from '../errors';
import type { HttpRequest } from '../http/request';
import { jsonResponse, type HttpResponse } from '../http/responses';
import { MAX_HIT_URLS } from '../http/schemas';
import type { BaseRuntime } from '../runtime';

/**
 * `GET /v1/hits?url=…&url=…`: unique-session hit counts, one batched read, keyed by the urls as sent.
 * The raw query string is parsed here (API Gateway joins repeated parameters with commas, which URLs contain).
 */
export async function hitCounts(request: HttpRequest, runtime: BaseRuntime): Promise<HttpResponse> {
  const urls = request.query.getAll('url');
  if (urls.length === 0 || urls.length > MAX_HIT_URLS) {
    throw new InvalidPayloadError('Invalid request', { url: [`Give 1 to ${MAX_HIT_URLS} url parameters`] });
  }
  const canonical = new Map<string, string>();
  const problems: string[] = [];
  urls.forEach((url, index) => {
    const normalized = url.length > MAX_URL_LENGTH ? undefined : canonicalPageUrl(url);
    if (normalized === undefined) problems.push(`url #${index + 1}: must be an absolute http(s) URL of at most ${MAX_URL_LENGTH} characters`);
    else canonical.set(url, normalized);
  });
  if (problems.length > 0) throw new InvalidPayloadError('Invalid request', { url: problems });
  const stored = await runtime.store.getHitCounts([...new Set(canonical.values())]);
  const counts: Record<string, number> = {};
  for (const [given, normalized] of canonical) counts[given] = stored.get(normalized) ?? 0;
  return jsonResponse(200, { counts }, { 'cache-control': `public, max-age=${runtime.config.hitsMaxAgeSeconds}` });
}
