import { canonicalPageUrl, MAX_URL_LENGTH } from '../../../layers/core/src/domain/page-url';
import type { TableContext } from '../../../layers/core/src/store/client';
import { getHitCounts, MAX_URLS_PER_READ } from '../../../layers/core/src/store/hits/get-hit-counts';
import { UsageError } from '../errors';
import type { Command } from './command';

export interface HitsInput {
  /** The urls as given, in order, with their canonical form (the stored key). */
  readonly urls: readonly { readonly given: string; readonly canonical: string }[];
  readonly json: boolean;
}

/**
 * Unique-session hit counts of any number of urls, one BatchGetItem per 100 distinct urls,
 * keyed by the urls as given (the same normalisation as `GET /v1/hits`).
 * @example await hitCounts(table, ['https://shop.example/a']) // Map { 'https://shop.example/a' => 3 }
 */
export async function hitCounts(table: TableContext, urls: readonly HitsInput['urls'][number][]): Promise<Map<string, number>> {
  const distinct = [...new Set(urls.map((url) => url.canonical))];
  const stored = new Map<string, number>();
  for (let start = 0; start < distinct.length; start += MAX_URLS_PER_READ) {
    for (const [url, count] of await getHitCounts(table, distinct.slice(start, start + MAX_URLS_PER_READ))) stored.set(url, count);
  }
  return new Map(urls.map((url) => [url.given, stored.get(url.canonical) ?? 0]));
}

export const hitsCommand: Command<HitsInput> = {
  name: 'hits',
  summary: 'unique-session hit counts of urls',
  help: [
    'edgeprint hits <url...> [--json]',
    '',
    'Prints "<count><TAB><url>" per url, in the order given (--json: {"counts": {url: count}}, as GET /v1/hits).',
    'Urls are absolute http(s) URLs; they are normalised like the API does (HTTPS://Example.com:443/a = https://example.com/a).',
  ].join('\n'),
  options: { json: { type: 'boolean' } },
  positionals: true,
  parse(values, positionals) {
    if (positionals.length === 0) throw new UsageError('give at least one url: edgeprint hits https://site.example/page');
    const problems: string[] = [];
    const urls = positionals.map((given) => {
      const canonical = canonicalPageUrl(given);
      if (canonical === undefined) problems.push(`"${given.slice(0, 80)}" is not an absolute http(s) URL of at most ${MAX_URL_LENGTH} characters`);
      return { given, canonical: canonical ?? '' };
    });
    if (problems.length > 0) throw new UsageError(problems.join('\n'));
    return { urls, json: values.json === true };
  },
  async run(target, input, io) {
    const counts = await hitCounts(target.table, input.urls);
    if (input.json) {
      io.stdout.write(`${JSON.stringify({ counts: Object.fromEntries(counts) })}\n`);
      return;
    }
    for (const { given } of input.urls) io.stdout.write(`${counts.get(given) ?? 0}\t${given}\n`);
  },
};
