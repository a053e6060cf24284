import { execFileSync } from 'node:child_process';
import { join, relative } from 'node:path';
import { snippetSizes, type SnippetSizes } from '../client-snippet/build';
import { startLocalStack } from '../infra/local/local-stack';
import { chromiumPath, launchChromium } from '../test/browser/chromium';
import { installedVersion, machineInfo, type MachineInfo, machineTable } from './machine';
import { BENCHMARKS_FILE, writeSection } from './report';

/** The figures of the snippet benchmark: bundle sizes and how soon after navigation the first report leaves and lands. */
export interface SnippetBenchResult {
  readonly measuredAt: Date;
  readonly machine: MachineInfo;
  readonly chromium: string;
  readonly fingerprintjsVersion: string;
  readonly sizes: SnippetSizes;
  /** One entry per page load; the first with an empty cache (fresh profile), the rest with the snippet cached. */
  readonly loads: readonly FirstReport[];
}

export interface FirstReport {
  /** ms from navigation start until the snippet handed its first report to the browser (fetch/sendBeacon called). */
  readonly sentMs: number;
  /** ms from navigation start until the API's answer to that report arrived (Resource Timing responseEnd). */
  readonly answeredMs: number;
  /** ms from navigation start to DOMContentLoaded, for scale. */
  readonly domContentLoadedMs: number;
}

export const SNIPPET_SIZE_BUDGET_BYTES = 2048;
export const FIRST_REPORT_GOAL_MS = 800;

/**
 * Records, inside the page, when the first report to /v1/collect is handed to the browser. A string,
 * not a function: tsx (esbuild with keepNames) would wrap inner functions in a helper the page lacks.
 */
const RECORD_FIRST_REPORT = `(() => {
  const mark = (url) => {
    if (window.__epSent === undefined && String(url).includes('/v1/collect')) window.__epSent = performance.now();
  };
  const originalFetch = window.fetch;
  window.fetch = function (input, init) {
    mark(input instanceof Request ? input.url : input);
    return originalFetch.call(this, input, init);
  };
  const originalBeacon = Navigator.prototype.sendBeacon;
  Navigator.prototype.sendBeacon = function (url, data) {
    mark(url);
    return originalBeacon.call(this, url, data);
  };
})();`;

/**
 * Loads a demo page `runs` times in headless Chromium against the local stack and times the
 * first report after navigation. Each load is a new session (cookies cleared); the first load has
 * an empty HTTP cache. Not a test: nothing here passes or fails.
 * @example const result = await measureSnippet({ runs: 20 })
 */
export async function measureSnippet(options: { runs?: number } = {}): Promise<SnippetBenchResult> {
  const runs = options.runs ?? 20;
  const measuredAt = new Date();
  const machine = machineInfo();
  const sizes = await snippetSizes();
  process.env.EDGEPRINT_REBUILD_SNIPPET = 'true';
  process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
  // This measures the embedded dynalite, whatever endpoint the shell points tests at.
  delete process.env.EDGEPRINT_DYNAMODB_ENDPOINT;
  const stack = await startLocalStack({ host: '127.0.0.1', port: 0, demo: true });
  const browser = await launchChromium();
  const loads: FirstReport[] = [];
  try {
    await browser.context.addInitScript(RECORD_FIRST_REPORT);
    for (let run = 0; run < runs; run++) {
      await browser.context.clearCookies();
      const page = await browser.context.newPage();
      await page.goto(`${stack.url}/demo/alpha?bench=${run}-${Date.now()}`);
      const handle = await page.waitForFunction(
        () => {
          const sent = (window as unknown as { __epSent?: number }).__epSent;
          const answer = performance
            .getEntriesByType('resource')
            .find((entry) => entry.name.includes('/v1/collect') && (entry as PerformanceResourceTiming).responseEnd > 0) as
            | PerformanceResourceTiming
            | undefined;
          const navigation = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
          return sent !== undefined && answer !== undefined
            ? { sentMs: sent, answeredMs: answer.responseEnd, domContentLoadedMs: navigation?.domContentLoadedEventEnd ?? 0 }
            : undefined;
        },
        undefined,
        { timeout: 15000 },
      );
      loads.push((await handle.jsonValue()) as FirstReport);
      await page.close();
    }
  } finally {
    await browser.close();
    await stack.close();
  }
  let chromium = 'unknown';
  try {
    chromium = execFileSync(chromiumPath(), ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    // Only for the report.
  }
  return { measuredAt, machine, chromium, fingerprintjsVersion: installedVersion('@fingerprintjs/fingerprintjs'), sizes, loads };
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

const ms = (value: number) => `${Math.round(value)} ms`;
const bytes = (value: number) => `${value.toLocaleString('en-US')} B`;
const kib = (value: number) => `${(value / 1024).toFixed(1)} KiB`;

function sizeTable(sizes: SnippetSizes, fingerprintjsVersion: string): string {
  const { snippet, fingerprintjs, overheadGzip } = sizes;
  const verdict = overheadGzip <= SNIPPET_SIZE_BUDGET_BYTES ? 'within' : '**over**';
  return [
    '| bundle (esbuild IIFE, minified, es2018) | minified | gzip -9 |',
    '|---|---:|---:|',
    `| FingerprintJS ${fingerprintjsVersion} alone (\`export { load }\`, all the snippet imports) | ${bytes(fingerprintjs.raw)} (${kib(fingerprintjs.raw)}) | ${bytes(fingerprintjs.gzip)} (${kib(fingerprintjs.gzip)}) |`,
    `| the snippet (FingerprintJS + tracker) | ${bytes(snippet.raw)} (${kib(snippet.raw)}) | ${bytes(snippet.gzip)} (${kib(snippet.gzip)}) |`,
    `| what the tracker adds | ${bytes(snippet.raw - fingerprintjs.raw)} | **${bytes(overheadGzip)}** (budget ${bytes(SNIPPET_SIZE_BUDGET_BYTES)}: ${verdict}) |`,
  ].join('\n');
}

/** The docs/benchmarks.md section. */
export function renderSnippetSection(result: SnippetBenchResult): string {
  const { machine, loads } = result;
  const date = result.measuredAt.toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
  const cold = loads[0];
  const warm = loads.slice(1);
  const row = (label: string, sample: readonly FirstReport[]) => {
    const answered = sample.map((load) => load.answeredMs);
    return `| ${label} | ${sample.length} | ${ms(percentile(sample.map((load) => load.domContentLoadedMs), 50))} | ${ms(percentile(sample.map((load) => load.sentMs), 50))} | ${ms(percentile(answered, 50))} | ${ms(percentile(answered, 90))} | ${ms(Math.max(...answered))} |`;
  };
  const worst = Math.max(...loads.map((load) => load.answeredMs));
  return `## Client snippet (issue 5)

Measured ${date} by \`npx tsx bench/snippet.ts\` (\`measureSnippet()\` in \`bench/snippet.ts\`).

${machineTable(machine, [['browser', `${result.chromium}, headless, a fresh profile (\`test/browser/chromium.ts\`)`]])}

### Size

${sizeTable(result.sizes, result.fingerprintjsVersion)}

The budget is enforced by \`test/client-snippet/size.test.ts\`.

### First report after navigation

${loads.length} loads of \`/demo/alpha\` from the local stack (\`npm start\`'s demo site, dynalite in memory, all on
127.0.0.1), each a new session (cookies cleared). Times are from navigation start (\`performance.timeOrigin\`):
*sent* is when the snippet handed its first report (the pageview, with the visitorId) to the browser, so it
includes downloading and running the snippet and FingerprintJS's \`get()\`; *answered* is the Resource
Timing \`responseEnd\` of that request, i.e. the API has stored it. The cold load has an empty HTTP cache;
the warm ones have the snippet cached.

| load | loads | DOMContentLoaded (median) | sent (median) | answered (median) | answered (p90) | answered (max) |
|---|---:|---:|---:|---:|---:|---:|
${cold === undefined ? '' : row('cold (empty cache)', [cold])}
${warm.length === 0 ? '' : row('warm (snippet cached)', warm)}

Goal: the first report within ${FIRST_REPORT_GOAL_MS} ms of navigation. Slowest load here: ${ms(worst)}
(${worst <= FIRST_REPORT_GOAL_MS ? 'met' : '**not met**'}). The time is dominated by FingerprintJS's signal
collection; on a real network add one round trip for the snippet (cold) and one for the report.`;
}

/** The short size table docs/snippet.md shows. */
export function renderSnippetDocSection(result: SnippetBenchResult): string {
  const answered = result.loads.map((load) => load.answeredMs);
  return `${sizeTable(result.sizes, result.fingerprintjsVersion)}

First report stored by the API ${ms(percentile(answered, 50))} after navigation (median of ${answered.length} loads in
headless Chromium on the local stack, slowest ${ms(Math.max(...answered))}; measured ${result.measuredAt.toISOString().slice(0, 10)},
details in [benchmarks.md](benchmarks.md#client-snippet-issue-5)).`;
}

export const SNIPPET_DOC_FILE = join(__dirname, '..', 'docs', 'snippet.md');

/**
 * Measures and writes the `snippet` sections of docs/benchmarks.md and docs/snippet.md.
 * `BENCH_SNIPPET_RUNS` sets the number of page loads (default 20).
 */
export async function runSnippetBench(): Promise<SnippetBenchResult> {
  const raw = process.env.BENCH_SNIPPET_RUNS;
  const runs = raw === undefined || raw.trim() === '' ? 20 : Number(raw);
  if (!Number.isInteger(runs) || runs < 2) throw new Error(`BENCH_SNIPPET_RUNS must be a whole number of at least 2, got "${raw}"`);
  process.stdout.write(`snippet: sizes, then ${runs} page loads in headless Chromium … `);
  const result = await measureSnippet({ runs });
  const answered = result.loads.map((load) => load.answeredMs);
  process.stdout.write(
    `tracker adds ${result.sizes.overheadGzip} B gzipped; first report answered after ${ms(percentile(answered, 50))} median, ${ms(Math.max(...answered))} max\n`,
  );
  writeSection(BENCHMARKS_FILE, 'snippet', renderSnippetSection(result));
  writeSection(SNIPPET_DOC_FILE, 'snippet', renderSnippetDocSection(result));
  console.log(`wrote the "Client snippet (issue 5)" sections of ${relative(process.cwd(), BENCHMARKS_FILE)} and ${relative(process.cwd(), SNIPPET_DOC_FILE)}`);
  return result;
}

if (require.main === module) {
  runSnippetBench().catch((error: unknown) => {
    console.error(`snippet benchmark failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exitCode = 1;
  });
}
