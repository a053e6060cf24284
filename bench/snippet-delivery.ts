import { execFileSync } from 'node:child_process';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { relative } from 'node:path';
import { startLocalStack } from '../infra/local/local-stack';
import { listen } from '../infra/local/server';
import { chromiumPath, launchChromium } from '../test/browser/chromium';
import { machineInfo, machineTable, type MachineInfo } from './machine';
import { BENCHMARKS_FILE, writeSection } from './report';

/** Issue 12's budget for the snippet's first load, on the wire. */
export const FIRST_LOAD_BUDGET_BYTES = 18 * 1024;

/** One GET of the snippet through the local edge proxy, as raw bytes (nothing decoded). */
export interface WireSize {
  readonly acceptEncoding: string;
  readonly contentEncoding: string;
  readonly headerBytes: number;
  readonly bodyBytes: number;
  /** What HEAD answered as `content-length` for the same request. */
  readonly headContentLength: number;
}

/** One page load in Chromium, first-party through `/_ep`. */
export interface PageLoad {
  /** Snippet bytes on the wire (Resource Timing transferSize: headers and encoded body; 0 when served from cache). */
  readonly snippetTransferBytes: number;
  readonly snippetEncodedBodyBytes: number;
  readonly snippetDecodedBodyBytes: number;
  /** ms from navigation start until the first report (`/_ep/v1/collect`) was answered (responseEnd). */
  readonly firstReportMs: number;
}

export interface SnippetDeliveryResult {
  readonly measuredAt: Date;
  readonly machine: MachineInfo;
  readonly chromium: string;
  readonly wire: readonly WireSize[];
  readonly loads: readonly PageLoad[];
}

const PAGE = '<!doctype html><html><head><meta charset="utf-8"><title>bench</title><script defer src="/_ep/v1/snippet.js" data-endpoint="/_ep"></script></head><body><p>page</p></body></html>';

function fetchRaw(url: string, method: 'GET' | 'HEAD', acceptEncoding: string): Promise<{ headers: Record<string, string>; headerBytes: number; bodyBytes: number }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method, headers: { 'accept-encoding': acceptEncoding } }, (response) => {
      let bodyBytes = 0;
      response.on('data', (chunk: Buffer) => {
        bodyBytes += chunk.length;
      });
      response.on('end', () => {
        // Status line, each header line as sent, and the blank line.
        let headerBytes = `HTTP/1.1 ${response.statusCode} ${response.statusMessage}\r\n`.length + 2;
        for (let index = 0; index + 1 < response.rawHeaders.length; index += 2) headerBytes += `${response.rawHeaders[index]}: ${response.rawHeaders[index + 1]}\r\n`.length;
        resolve({ headers: response.headers as Record<string, string>, headerBytes, bodyBytes });
      });
      response.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/**
 * Serves a page with the snippet tag behind the local edge proxy (the distribution's stand-in, the
 * API under `/_ep`), measures the snippet's bytes on the wire for each Accept-Encoding, then loads
 * the page `runs` times in headless Chromium (the first with an empty cache) and times the first
 * report. Not a test: nothing here passes or fails.
 * @example const result = await measureSnippetDelivery({ runs: 10 })
 */
export async function measureSnippetDelivery(options: { runs?: number } = {}): Promise<SnippetDeliveryResult> {
  const runs = options.runs ?? 10;
  const measuredAt = new Date();
  const machine = machineInfo();
  process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
  delete process.env.EDGEPRINT_DYNAMODB_ENDPOINT;
  const site: Server = createServer((request, response) => {
    request.resume();
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    response.end(PAGE);
  });
  const siteUrl = await listen(site, 0, '127.0.0.1');
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const edgePort = (probe.address() as AddressInfo).port;
  await new Promise((resolve) => probe.close(resolve));
  const stack = await startLocalStack({ demo: false, origin: siteUrl, edge: { port: edgePort }, env: { EDGEPRINT_ALLOWED_ORIGINS: `http://127.0.0.1:${edgePort}` } });
  const edge = stack.edge!.url;
  const wire: WireSize[] = [];
  const loads: PageLoad[] = [];
  try {
    for (const acceptEncoding of ['identity', 'gzip, deflate', 'gzip, deflate, br, zstd']) {
      const get = await fetchRaw(`${edge}/_ep/v1/snippet.js`, 'GET', acceptEncoding);
      const head = await fetchRaw(`${edge}/_ep/v1/snippet.js`, 'HEAD', acceptEncoding);
      wire.push({
        acceptEncoding,
        contentEncoding: get.headers['content-encoding'] ?? 'none',
        headerBytes: get.headerBytes,
        bodyBytes: get.bodyBytes,
        headContentLength: Number(head.headers['content-length']),
      });
    }
    const browser = await launchChromium();
    try {
      for (let run = 0; run < runs; run++) {
        await browser.context.clearCookies();
        const page = await browser.context.newPage();
        await page.goto(`${edge}/page?bench=${run}-${Date.now()}`);
        const handle = await page.waitForFunction(
          () => {
            const entries = performance.getEntriesByType('resource') as PerformanceResourceTiming[];
            const snippet = entries.find((entry) => entry.name.includes('/_ep/v1/snippet.js'));
            const report = entries.find((entry) => entry.name.includes('/_ep/v1/collect') && entry.responseEnd > 0);
            return snippet !== undefined && report !== undefined
              ? {
                  snippetTransferBytes: snippet.transferSize,
                  snippetEncodedBodyBytes: snippet.encodedBodySize,
                  snippetDecodedBodyBytes: snippet.decodedBodySize,
                  firstReportMs: report.responseEnd,
                }
              : undefined;
          },
          undefined,
          { timeout: 15000 },
        );
        loads.push((await handle.jsonValue()) as PageLoad);
        await page.close();
      }
    } finally {
      await browser.close();
    }
  } finally {
    await stack.close();
    await new Promise((resolve) => site.close(resolve));
  }
  let chromium = 'unknown';
  try {
    chromium = execFileSync(chromiumPath(), ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    // Only for the report.
  }
  return { measuredAt, machine, chromium, wire, loads };
}

const bytes = (value: number) => `${value.toLocaleString('en-US')} B`;
const ms = (value: number) => `${Math.round(value)} ms`;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)] ?? Number.NaN;
}

/** The docs/benchmarks.md section. */
export function renderSnippetDeliverySection(result: SnippetDeliveryResult): string {
  const date = result.measuredAt.toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
  const cold = result.loads[0];
  const warm = result.loads.slice(1);
  const firstLoad = cold === undefined ? Number.NaN : cold.snippetTransferBytes;
  return `## Snippet delivery, first-party under /_ep (issue 12)

Measured ${date} by \`npx tsx bench/snippet-delivery.ts\` (\`measureSnippetDelivery()\`).

${machineTable(result.machine, [['browser', `${result.chromium}, headless, a fresh profile (\`test/browser/chromium.ts\`)`]])}

A page on a loopback site behind the local edge proxy (\`infra/local/edge-proxy.ts\`, the distribution's
stand-in: the API under \`/_ep\`) with \`<script defer src="/_ep/v1/snippet.js" data-endpoint="/_ep">\`.

### The snippet on the wire

One GET and one HEAD of \`/_ep/v1/snippet.js\` per \`Accept-Encoding\`, counted as raw bytes (nothing decoded).

| Accept-Encoding | Content-Encoding | headers | body | total | HEAD content-length |
|---|---|---:|---:|---:|---:|
${result.wire.map((row) => `| \`${row.acceptEncoding}\` | ${row.contentEncoding} | ${bytes(row.headerBytes)} | ${bytes(row.bodyBytes)} | ${bytes(row.headerBytes + row.bodyBytes)} | ${bytes(row.headContentLength)} |`).join('\n')}

### In Chromium

${result.loads.length} loads, each a new session (cookies cleared); the first with an empty HTTP cache. Bytes are
Resource Timing's \`transferSize\` (headers and encoded body; 0 when the snippet came from the cache).
*first report* is the \`responseEnd\` of the first \`/_ep/v1/collect\` (the pageview, with the visitorId), from navigation start.

| load | loads | snippet on the wire | encoded body | decoded body | first report (median) | first report (max) |
|---|---:|---:|---:|---:|---:|---:|
${cold === undefined ? '' : `| cold (empty cache) | 1 | ${bytes(cold.snippetTransferBytes)} | ${bytes(cold.snippetEncodedBodyBytes)} | ${bytes(cold.snippetDecodedBodyBytes)} | ${ms(cold.firstReportMs)} | ${ms(cold.firstReportMs)} |`}
${warm.length === 0 ? '' : `| warm (snippet cached) | ${warm.length} | ${bytes(median(warm.map((load) => load.snippetTransferBytes)))} | ${bytes(median(warm.map((load) => load.snippetEncodedBodyBytes)))} | ${bytes(median(warm.map((load) => load.snippetDecodedBodyBytes)))} | ${ms(median(warm.map((load) => load.firstReportMs)))} | ${ms(Math.max(...warm.map((load) => load.firstReportMs)))} |`}

${result.machine.loadAverage[0] > result.machine.cores ? `The machine was loaded (see the load average above, with ${result.machine.cores} cores shared): the times run high; the bytes do not depend on load. ` : ''}The cold load's report also waits for the local stack's first requests (modules loaded, dynalite warmed).

Budget: the first load at most ${bytes(FIRST_LOAD_BUDGET_BYTES)} on the wire: ${bytes(firstLoad)} here (${firstLoad <= FIRST_LOAD_BUDGET_BYTES ? 'met' : '**not met**'}).
Through the distribution the bytes are the same: the API compresses, and CloudFront caches an
origin-compressed object as it is, per encoding, in the snippet's own cache behaviour (it never
compresses it again); only CloudFront's own response headers differ. Chromium asks for brotli on
secure origins only (loopback counts as one), so a real HTTPS site gets the brotli row.`;
}

/** Measures and writes the `snippet-delivery` section of docs/benchmarks.md. `BENCH_SNIPPET_RUNS` sets the loads (default 10). */
export async function runSnippetDeliveryBench(): Promise<SnippetDeliveryResult> {
  const raw = process.env.BENCH_SNIPPET_RUNS;
  const runs = raw === undefined || raw.trim() === '' ? 10 : Number(raw);
  if (!Number.isInteger(runs) || runs < 2) throw new Error(`BENCH_SNIPPET_RUNS must be a whole number of at least 2, got "${raw}"`);
  process.stdout.write(`snippet delivery: wire sizes, then ${runs} page loads through the local edge proxy … `);
  const result = await measureSnippetDelivery({ runs });
  process.stdout.write(`first load ${result.loads[0]?.snippetTransferBytes ?? '?'} B on the wire\n`);
  writeSection(BENCHMARKS_FILE, 'snippet-delivery', renderSnippetDeliverySection(result));
  console.log(`wrote the "Snippet delivery" section of ${relative(process.cwd(), BENCHMARKS_FILE)}`);
  return result;
}

if (require.main === module) {
  runSnippetDeliveryBench().catch((error: unknown) => {
    console.error(`snippet delivery benchmark failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exitCode = 1;
  });
}
