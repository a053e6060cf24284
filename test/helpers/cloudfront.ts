import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CloudFrontHeaders, CloudFrontRequest, CloudFrontRequestEvent, KinesisStreamEvent } from 'aws-lambda';
import type { EdgeConfig } from '../../layers/core/src/edge/edge-config';
import { toKinesisEvent } from '../../infra/local/edge-proxy';

export const CLOUDFRONT_FIXTURES = join(__dirname, '..', 'fixtures', 'cloudfront');

/** A configuration as a build would bake it (secret of the required length; defaults otherwise). */
export const EDGE_TEST_CONFIG: EdgeConfig = Object.freeze({
  secret: 'edge-test-secret-of-32-characters!',
  siteId: 'shop',
  privacyMode: 'cookie',
  includePrefixes: [],
  excludePrefixes: ['/admin', '/feed', '/_ep'],
  navigationOnly: true,
});

/** A fresh copy of a recorded viewer-request event (`test/fixtures/cloudfront/viewer-request-NAME.json`). */
export function viewerRequestFixture(name: string): CloudFrontRequestEvent {
  return JSON.parse(readFileSync(join(CLOUDFRONT_FIXTURES, `viewer-request-${name}.json`), 'utf8')) as CloudFrontRequestEvent;
}

/** The request inside a viewer-request event. */
export function requestOf(event: CloudFrontRequestEvent): CloudFrontRequest {
  const request = event.Records[0]?.cf.request;
  if (request === undefined) throw new Error('event without a request');
  return request;
}

/** A header's single value, or undefined. */
export function headerValue(headers: CloudFrontHeaders, name: string): string | undefined {
  return headers[name]?.[0]?.value;
}

/** Names of the `x-edgeprint-*` headers present, whatever their case. */
export function edgeprintHeaderNames(headers: CloudFrontHeaders): string[] {
  return Object.keys(headers).filter((name) => name.toLowerCase().startsWith('x-edgeprint-'));
}

/** A viewer-request event for one request, in the documented shape. */
export function viewerRequestEvent(input: { uri?: string; querystring?: string; method?: string; clientIp?: string; headers: Record<string, string> }): CloudFrontRequestEvent {
  const headers: CloudFrontHeaders = {};
  for (const [key, value] of Object.entries(input.headers)) (headers[key.toLowerCase()] ??= []).push({ key, value });
  return {
    Records: [
      {
        cf: {
          config: { distributionDomainName: 'd111111abcdef8.cloudfront.net', distributionId: 'EDFDVBD6EXAMPLE', eventType: 'viewer-request', requestId: 'test-request-id' },
          request: { clientIp: input.clientIp ?? '203.0.113.178', headers, method: input.method ?? 'GET', querystring: input.querystring ?? '', uri: input.uri ?? '/' },
        },
      },
    ],
  };
}

/** Recorded real-time log lines (`realtime-log-lines.tsv` or `realtime-log-malformed.tsv`). */
export function logLinesFixture(name: 'lines' | 'malformed'): string[] {
  return readFileSync(join(CLOUDFRONT_FIXTURES, `realtime-log-${name}.tsv`), 'utf8').split('\n').filter((line) => line.length > 0);
}

/** The recorded Kinesis event (three records: two log lines and a malformed one). */
export function kinesisEventFixture(): KinesisStreamEvent {
  return JSON.parse(readFileSync(join(CLOUDFRONT_FIXTURES, 'kinesis-realtime-log-event.json'), 'utf8')) as KinesisStreamEvent;
}

let sequence = 49_590_338_271_490_256_608_559_692_538_361_571_095_921_575_989_136_600_000n;

/** Log lines wrapped as the Kinesis event source delivers them, one record each, increasing sequence numbers. */
export function kinesisEventOf(lines: readonly string[]): KinesisStreamEvent {
  return toKinesisEvent(
    lines.map((line) => {
      sequence += 1n;
      return { line, sequenceNumber: sequence.toString() };
    }),
  );
}

/** The desktop Chrome headers the fixtures use, for building requests by hand. */
export const CHROME_NAVIGATION_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'user-agent': 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8',
  'accept-language': 'de-DE,de;q=0.9,en;q=0.8',
  'accept-encoding': 'gzip, deflate, br, zstd',
  'sec-ch-ua': '"Google Chrome";v="131", "Chromium";v="131", "Not_A Brand";v="24"',
  'sec-ch-ua-mobile': '?0',
  'sec-ch-ua-platform': '"Windows"',
  'sec-fetch-dest': 'document',
  'sec-fetch-mode': 'navigate',
});
