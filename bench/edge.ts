import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { bundleEdgeHandler } from '../infra/lib/bundling';
import type { CloudFrontRequest, CloudFrontRequestEvent } from 'aws-lambda';
import { edgeConfigDefine, type EdgeConfig } from '../layers/core/src/edge/edge-config';
import { installedVersion, machineInfo, type MachineInfo, machineTable } from './machine';
import { BENCHMARKS_FILE, writeSection } from './report';

export const EDGE_BUNDLE_BUDGET_BYTES = 50 * 1024;
export const EDGE_P99_GOAL_MS = 0.5;

const ROOT = join(__dirname, '..');
const FIXTURES = join(ROOT, 'test', 'fixtures', 'cloudfront');

type EdgeHandler = (event: CloudFrontRequestEvent) => Promise<CloudFrontRequest>;

export interface EdgeRun {
  readonly title: string;
  readonly requests: number;
  /** Requests the handler stamped (fingerprinted navigations) and passed through (assets, excluded paths, fetches). */
  readonly stamped: number;
  readonly passedThrough: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly p999Ms: number;
  readonly maxMs: number;
  readonly meanMs: number;
  /** The same percentiles over the stamped requests alone (the full fingerprinting path). */
  readonly stampedP50Ms: number;
  readonly stampedP99Ms: number;
}

export interface EdgeBenchResult {
  readonly measuredAt: Date;
  readonly machine: MachineInfo;
  readonly esbuildVersion: string;
  readonly bundleBytes: number;
  readonly bundleGzipBytes: number;
  readonly fixtures: readonly string[];
  readonly warmup: number;
  readonly runs: readonly EdgeRun[];
}

const CONFIG: EdgeConfig = {
  secret: 'bench-secret-of-thirty-two-chars!',
  siteId: 'bench',
  privacyMode: 'cookie',
  includePrefixes: [],
  excludePrefixes: ['/admin', '/feed', '/_ep'],
  navigationOnly: true,
};

/** The edge handler bundled as it is deployed (the distribution's own bundling, configuration baked in by define). */
function bundleHandler(directory: string, config: EdgeConfig): string {
  const outfile = join(directory, `edge-${config.privacyMode}.js`);
  bundleEdgeHandler(outfile, edgeConfigDefine(config));
  return outfile;
}

/** The recorded viewer-request events of test/fixtures/cloudfront, by file name. */
function recordedEvents(): { names: string[]; events: CloudFrontRequestEvent[] } {
  const names = readdirSync(FIXTURES).filter((name) => name.startsWith('viewer-request-') && name.endsWith('.json')).sort();
  return { names, events: names.map((name) => JSON.parse(readFileSync(join(FIXTURES, name), 'utf8')) as CloudFrontRequestEvent) };
}

/**
 * `count` events cycling through the recorded ones, each from another viewer address and (where
 * it has one) another session cookie, so no per-viewer value is computed only once.
 */
function eventStream(recorded: readonly CloudFrontRequestEvent[], count: number): CloudFrontRequestEvent[] {
  const events: CloudFrontRequestEvent[] = [];
  for (let index = 0; index < count; index += 1) {
    const event = structuredClone(recorded[index % recorded.length]!);
    const request = event.Records[0]!.cf.request as { -readonly [K in keyof CloudFrontRequest]: CloudFrontRequest[K] };
    request.clientIp = `198.51.${(index >> 8) & 255}.${index & 255}`;
    const cookie = request.headers.cookie?.[0];
    if (cookie !== undefined) cookie.value = cookie.value.replace(/ep_sid=[A-Za-z0-9_-]{22}/, `ep_sid=${index.toString(36).padStart(22, 'x').slice(-22)}`);
    events.push(event);
  }
  return events;
}

const percentile = (sorted: Float64Array, p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;

async function timeRun(title: string, handler: EdgeHandler, events: readonly CloudFrontRequestEvent[], warmup: number): Promise<EdgeRun> {
  for (let index = 0; index < warmup; index += 1) await handler(events[index % events.length]!);
  const samples = new Float64Array(events.length);
  const stampedSamples: number[] = [];
  for (let index = 0; index < events.length; index += 1) {
    const start = process.hrtime.bigint();
    const result = await handler(events[index]!);
    samples[index] = Number(process.hrtime.bigint() - start) / 1e6;
    if (result.headers['x-edgeprint-fingerprint'] !== undefined) stampedSamples.push(samples[index]!);
  }
  const stamped = stampedSamples.length;
  const sorted = samples.slice().sort();
  const sortedStamped = Float64Array.from(stampedSamples).sort();
  return {
    title,
    requests: events.length,
    stamped,
    passedThrough: events.length - stamped,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    p999Ms: percentile(sorted, 99.9),
    maxMs: sorted[sorted.length - 1] ?? 0,
    meanMs: samples.reduce((sum, value) => sum + value, 0) / samples.length,
    stampedP50Ms: percentile(sortedStamped, 50),
    stampedP99Ms: percentile(sortedStamped, 99),
  };
}

/**
 * Measures the edge handler in process: the deployed bundle (esbuild, minified, configuration baked
 * in) called once per event, awaited, over `requests` events built from the recorded fixtures, in
 * cookie and in cookieless mode; plus the bundle's size.
 * @example const result = await measureEdge({ requests: 100_000 })
 */
export async function measureEdge(options: { requests?: number; warmup?: number } = {}): Promise<EdgeBenchResult> {
  const requests = options.requests ?? 100_000;
  const warmup = options.warmup ?? 5_000;
  const measuredAt = new Date();
  const machine = machineInfo();
  const directory = mkdtempSync(join(tmpdir(), 'edgeprint-edge-bench-'));
  try {
    const cookieBundle = bundleHandler(directory, CONFIG);
    const cookielessBundle = bundleHandler(directory, { ...CONFIG, privacyMode: 'cookieless' });
    const code = readFileSync(cookieBundle);
    const { names, events: recorded } = recordedEvents();
    const events = eventStream(recorded, requests);
    const runs: EdgeRun[] = [];
    for (const [title, file] of [
      ['cookie mode', cookieBundle],
      ['cookieless mode (daily salt)', cookielessBundle],
    ] as const) {
      const { handler } = require(file) as { handler: EdgeHandler };
      runs.push(await timeRun(title, handler, events, warmup));
    }
    return {
      measuredAt,
      machine,
      esbuildVersion: installedVersion('esbuild'),
      bundleBytes: statSync(cookieBundle).size,
      bundleGzipBytes: gzipSync(code, { level: 9 }).length,
      fixtures: names,
      warmup,
      runs,
    };
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

const ms = (value: number) => `${value < 0.1 ? value.toFixed(4) : value.toFixed(3)} ms`;
const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

export function renderEdgeSection(result: EdgeBenchResult): string {
  const { machine } = result;
  const rows = result.runs.map(
    (run) =>
      `| ${run.title} | ${run.requests.toLocaleString('en-US')} | ${run.stamped.toLocaleString('en-US')} | ${run.passedThrough.toLocaleString('en-US')} | ${ms(run.p50Ms)} | ${ms(run.p99Ms)} | ${ms(run.p999Ms)} | ${ms(run.maxMs)} | ${ms(run.meanMs)} | ${ms(run.stampedP50Ms)} | ${ms(run.stampedP99Ms)} |`,
  );
  const worstP99 = Math.max(...result.runs.flatMap((run) => [run.p99Ms, run.stampedP99Ms]));
  return `## Lambda@Edge viewer-request handler (issue 6)

Measured ${result.measuredAt.toISOString().replace('T', ' ').slice(0, 19)} UTC by \`npx tsx bench/edge.ts\` (\`bench/edge.ts\`).

${machineTable(machine)}

**Bundle** (\`functions/edge/handler.ts\`, esbuild ${result.esbuildVersion}, minified CommonJS for Node, configuration baked in by \`define\`):
${kib(result.bundleBytes)} minified (${result.bundleBytes.toLocaleString('en-US')} bytes; goal under 50 KiB, Lambda@Edge viewer limit 1 MB),
${kib(result.bundleGzipBytes)} gzipped. ${result.bundleBytes < EDGE_BUNDLE_BUDGET_BYTES ? 'Within the goal.' : '**Over the goal.**'}

**Compute time per request**, in process: the bundle's \`handler\` called and awaited once per event, timed with
\`process.hrtime\`, after ${result.warmup.toLocaleString('en-US')} unreported warm-up calls. The events cycle through the ${result.fixtures.length} recorded
viewer-request fixtures (\`test/fixtures/cloudfront/\`: navigations, a crawler, assets, an excluded path, a fetch,
a prefetch, an API call), each with its own viewer address and session cookie. Lambda@Edge runs viewer functions
with 128 MB; this machine's core is not that sandbox, so read the figures as the cost of the code path.

| run | requests | stamped | passed through | p50 | p99 | p99.9 | max | mean | p50 stamped only | p99 stamped only |
|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|
${rows.join('\n')}

The p99.9 and max columns catch garbage-collection pauses and other work on the machine, not the handler's code.
Goal: p99 under ${EDGE_P99_GOAL_MS} ms, over all requests and over the stamped ones alone. ${worstP99 < EDGE_P99_GOAL_MS ? `Met (worst p99 ${ms(worstP99)}).` : `**Not met** (worst p99 ${ms(worstP99)}).`}`;
}

/** Measures and writes the `edge` section of docs/benchmarks.md. `BENCH_EDGE_REQUESTS` sets the event count. */
export async function runEdgeBench(): Promise<EdgeBenchResult> {
  const raw = process.env.BENCH_EDGE_REQUESTS;
  const requests = raw === undefined || raw.trim() === '' ? 100_000 : Number(raw);
  if (!Number.isInteger(requests) || requests < 100) throw new Error(`BENCH_EDGE_REQUESTS must be a whole number of at least 100, got "${raw}"`);
  process.stdout.write(`edge: bundle, then ${requests.toLocaleString('en-US')} viewer-request events per mode … `);
  const result = await measureEdge({ requests });
  process.stdout.write(
    `${kib(result.bundleBytes)} minified; ${result.runs.map((run) => `${run.title}: p50 ${ms(run.p50Ms)}, p99 ${ms(run.p99Ms)}`).join('; ')}\n`,
  );
  writeSection(BENCHMARKS_FILE, 'edge', renderEdgeSection(result));
  console.log(`wrote the "Lambda@Edge viewer-request handler (issue 6)" section of ${relative(process.cwd(), BENCHMARKS_FILE)}`);
  return result;
}

if (require.main === module) {
  runEdgeBench().catch((error: unknown) => {
    console.error(`edge benchmark failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exitCode = 1;
  });
}
