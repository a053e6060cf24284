import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { BUNDLE_BUDGETS, bundleReport, type BundleInfo } from '../infra/lib/bundle-report';
import { resolveSettings } from '../infra/lib/config';
import { bundleFile, LAMBDA_SDK_ALIASES } from '../infra/lib/bundling';
import { FUNCTIONS_DIR } from '../infra/lib/constructs/edgeprint-function';
import { buildEdgeprintApp } from '../infra/lib/stacks';
import { machineInfo, type MachineInfo, machineTable } from './machine';
import { BENCHMARKS_FILE, writeSection } from './report';

/** Cold-start goals above a bare `node -e 0` (issue 13): the hot routes, and every other function. */
export const HOT_FUNCTIONS = ['collect', 'redirect', 'hits'] as const;
export const COLD_LOAD_GOAL_MS = { hot: 50, other: 80 } as const;

/** The goal of one function, in ms above baseline. */
export const coldLoadGoal = (name: string): number =>
  (HOT_FUNCTIONS as readonly string[]).includes(name) ? COLD_LOAD_GOAL_MS.hot : COLD_LOAD_GOAL_MS.other;

export interface ColdLoad {
  readonly medianMs: number;
  readonly minMs: number;
  readonly maxMs: number;
  /** Median CPU time (user + system) of the same processes: steadier than wall time on a shared machine. */
  readonly cpuMedianMs: number;
}

export interface BundleRow extends BundleInfo {
  readonly budget: number;
  /** The handler called once in a fresh process. */
  readonly coldLoad?: ColdLoad;
  readonly call?: string;
}

export interface BundleBenchResult {
  readonly measuredAt: Date;
  readonly machine: MachineInfo;
  readonly runs: number;
  readonly baseline: ColdLoad;
  /** collect's cold start with `--enable-source-maps` (the `edgeprint:sourceMaps` context): what the maps cost at load. */
  readonly collectWithSourceMaps?: ColdLoad;
  /** A bundle holding only the DynamoDB clients (bench/sdk-floor-handler.ts), built like the functions: the SDK's share. */
  readonly sdkFloor?: ColdLoad & { readonly bytes: number };
  /** Bytes of collect's bundle by package, largest first. */
  readonly collectComposition: ReadonlyArray<readonly [string, number]>;
  readonly rows: readonly BundleRow[];
}

const apiEvent = (method: string, path: string) => ({
  version: '2.0',
  routeKey: `ANY ${path}`,
  rawPath: path,
  rawQueryString: '',
  headers: { host: 'bench.execute-api.eu-west-1.amazonaws.com', 'user-agent': 'Mozilla/5.0 (bench)' },
  requestContext: {
    domainName: 'bench.execute-api.eu-west-1.amazonaws.com',
    http: { method, path, protocol: 'HTTP/1.1', sourceIp: '203.0.113.7', userAgent: 'Mozilla/5.0 (bench)' },
    requestId: 'bench',
    stage: '$default',
    timeEpoch: 0,
  },
  isBase64Encoded: false,
});

const forwarderEvent = () => ({
  Records: [
    {
      messageId: randomUUID(),
      receiptHandle: 'bench',
      body: JSON.stringify({ v: 1, eventId: randomUUID(), kind: 'pageview', name: 'pageview', at: new Date().toISOString(), url: 'https://shop.example/', gpc: false, dnt: false }),
      attributes: { ApproximateReceiveCount: '1', SentTimestamp: '0', SenderId: 'bench', ApproximateFirstReceiveTimestamp: '0' },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:eu-west-1:123456789012:bench',
      awsRegion: 'eu-west-1',
    },
  ],
});

const edgeEvent = () => ({
  Records: [{ cf: { config: { eventType: 'viewer-request' }, request: { method: 'GET', uri: '/', querystring: '', clientIp: '203.0.113.7', headers: {} } } }],
});

/**
 * What each handler is called with: a request that runs the whole cold start (config, runtime,
 * middleware) but needs no network: 405 for the API functions (method guard), the real snippet,
 * one queue message with no provider configured, a pass-through viewer request.
 */
function invocation(name: string): { event: unknown; call: string; expect: string } {
  switch (name) {
    case 'snippet':
      return { event: apiEvent('GET', '/v1/snippet.js'), call: 'GET /v1/snippet.js → 200', expect: 'r.statusCode === 200' };
    case 'forwarder':
      return { event: forwarderEvent(), call: '1 SQS message, no provider → no failures', expect: 'Array.isArray(r.batchItemFailures) && r.batchItemFailures.length === 0' };
    case 'edge':
      return { event: edgeEvent(), call: 'viewer request → passed through', expect: "r.uri === '/'" };
    case 'edge-ingest': {
      // A record that is not a log line: parsed and skipped without a table call.
      const record = { kinesis: { data: Buffer.from('not a real-time log line').toString('base64'), sequenceNumber: '1' } };
      return { event: { Records: [record] }, call: '1 malformed log record → skipped, no failures', expect: 'Array.isArray(r.batchItemFailures) && r.batchItemFailures.length === 0' };
    }
    default:
      // Admin routes check the API key first (401), the public ones the method (405): both answer without the network.
      return { event: apiEvent('DELETE', `/v1/${name}`), call: 'DELETE → 405 (method guard) or 401 (admin key check)', expect: '(r.statusCode === 405 || r.statusCode === 401)' };
  }
}

/** Reports the process's CPU time (user + system) on exit, as the last line of its output. */
const CPU_ON_EXIT = "process.on('exit', () => { const c = process.cpuUsage(); process.stdout.write('\\n' + (c.user + c.system) / 1000 + '\\n'); });";

/** The child's script: require the bundle, call its handler once, exit non-zero on a wrong answer. */
function childScript(expectation: string, call: boolean): string {
  if (!call) return `${CPU_ON_EXIT} const loaded = require(process.env.BENCH_FILE); if (typeof loaded.handler !== 'function') process.exit(3);`;
  return [
    CPU_ON_EXIT,
    'const loaded = require(process.env.BENCH_FILE);',
    "const context = { awsRequestId: 'bench', functionName: 'bench', getRemainingTimeInMillis: () => 30000 };",
    'Promise.resolve(loaded.handler(JSON.parse(process.env.BENCH_EVENT), context)).then((r) => {',
    `  if (!(${expectation})) { console.error('unexpected result', JSON.stringify(r)); process.exit(3); }`,
    '}, (error) => { console.error(error); process.exit(2); });',
  ].join('\n');
}

function childEnvironment(): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    // As deployed: source maps on, the runtime's variables. No NODE_EXTRA_CA_CERTS (it costs ~40 ms per start).
    // As deployed: no NODE_OPTIONS (source maps are opt-in, infra/lib/constructs/edgeprint-function.ts).
    NODE_OPTIONS: '',
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    POWERTOOLS_LOG_LEVEL: 'ERROR',
    EDGEPRINT_TABLE: 'edgeprint-bench',
    EDGEPRINT_SECRET: 'bench-secret-bench-secret-bench',
    // Nothing listens on the discard port: a stray table call would fail fast, not hang.
    EDGEPRINT_DYNAMODB_ENDPOINT: 'http://127.0.0.1:9',
    EDGEPRINT_IDEMPOTENCY_TABLE: 'edgeprint-bench-ledger',
    EDGEPRINT_DLQ_URL: 'http://127.0.0.1:9/000000000000/bench-dlq',
    EDGEPRINT_QUEUE_URL: 'http://127.0.0.1:9/000000000000/bench-events',
    EDGEPRINT_SQS_ENDPOINT: 'http://127.0.0.1:9',
    EDGEPRINT_PROVIDERS: '{}',
  };
}

interface Sample {
  readonly wallMs: number;
  readonly cpuMs: number;
}

function timeProcess(args: readonly string[], env: NodeJS.ProcessEnv): Sample {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { env, encoding: 'utf8' });
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0) throw new Error(`node ${args.slice(0, 1).join(' ')} failed (${result.status}): ${result.stderr.slice(0, 2000)}`);
  const cpuMs = Number(result.stdout.trim().split('\n').pop());
  return { wallMs, cpuMs };
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
};

function coldLoad(runs: number, args: readonly string[], env: NodeJS.ProcessEnv): ColdLoad {
  timeProcess(args, env); // warm the file cache; not counted
  const samples = Array.from({ length: runs }, () => timeProcess(args, env));
  const walls = samples.map((sample) => sample.wallMs);
  return { medianMs: median(walls), minMs: Math.min(...walls), maxMs: Math.max(...walls), cpuMedianMs: median(samples.map((sample) => sample.cpuMs)) };
}

/** Which packages a function's bytes come from (esbuild's metafile of the same build as deployed). */
function composition(name: string, outdir: string): Array<[string, number]> {
  const metafile = bundleFile({
    entry: join(FUNCTIONS_DIR, name, 'handler.ts'),
    outfile: join(outdir, 'composition', name, 'index.js'),
    target: 'node22',
    sourcemap: false,
    alias: LAMBDA_SDK_ALIASES,
  });
  const bytes = new Map<string, number>();
  for (const output of Object.values(metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
      const owner = match?.[1] ?? 'edgeprint core (layers/core/src)';
      // The SDK is many small packages: group them.
      const group = /^@(aws-sdk|smithy|aws-crypto)\//.test(owner) ? 'AWS SDK v3 (@aws-sdk, @smithy, @aws-crypto)' : owner;
      bytes.set(group, (bytes.get(group) ?? 0) + bytesInOutput);
    }
  }
  return [...bytes.entries()].sort((a, b) => b[1] - a[1]);
}

/**
 * Synthesizes the app (regional and edge stacks, offline) into a temporary directory, reads every
 * bundle's size from the staged assets, and times a fresh `node` that loads each bundle and calls
 * its handler once, against `node -e 0`.
 * @example const result = runBundleBench({ runs: 20 })
 */
export function runBundleBench(options: { runs?: number; log?: (line: string) => void } = {}): BundleBenchResult {
  const runs = Math.max(10, options.runs ?? 20);
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const outdir = mkdtempSync(join(tmpdir(), 'edgeprint-bundles-'));
  try {
    const machine = machineInfo();
    const app = new App({ outdir });
    buildEdgeprintApp(app, resolveSettings({ region: 'eu-west-1', siteOrigin: 'origin.shop.example' }));
    const bundles = bundleReport(app);
    const env = childEnvironment();

    log(`baseline: node -e 0, ${runs} runs`);
    const baseline = coldLoad(runs, ['-e', CPU_ON_EXIT], env);
    const rows: BundleRow[] = [];
    let collectWithSourceMaps: ColdLoad | undefined;
    for (const bundle of bundles) {
      const budget = BUNDLE_BUDGETS[bundle.kind];
      const { event, call, expect } = invocation(bundle.name);
      log(`${bundle.name}: ${(bundle.bytes / 1024).toFixed(1)} KiB, ${call}`);
      const args = ['-e', childScript(expect, event !== undefined)];
      const childEnv = { ...env, BENCH_FILE: bundle.file, BENCH_EVENT: JSON.stringify(event ?? null) };
      const load = coldLoad(runs, args, childEnv);
      rows.push({ ...bundle, budget, coldLoad: load, call });
      if (bundle.name === 'collect') collectWithSourceMaps = coldLoad(runs, args, { ...childEnv, NODE_OPTIONS: '--enable-source-maps' });
    }
    log('sdk floor: the DynamoDB clients alone');
    const floorFile = join(outdir, 'sdk-floor', 'index.js');
    bundleFile({ entry: join(__dirname, 'sdk-floor-handler.ts'), outfile: floorFile, target: 'node22', sourcemap: false, alias: LAMBDA_SDK_ALIASES });
    const floorArgs = ['-e', childScript('r.statusCode === 405', true)];
    const sdkFloor = { ...coldLoad(runs, floorArgs, { ...env, BENCH_FILE: floorFile, BENCH_EVENT: 'null' }), bytes: statSync(floorFile).size };
    return { measuredAt: new Date(), machine, runs, baseline, collectWithSourceMaps, sdkFloor, collectComposition: composition('collect', outdir), rows };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
const ms = (value: number) => `${value.toFixed(1)} ms`;
const ORDER = ['regional', 'edge'];

/** The `bench:bundles` section of docs/benchmarks.md. */
export function renderBundleSection(result: BundleBenchResult): string {
  const { machine, baseline } = result;
  const rows = [...result.rows].sort(
    (a, b) =>
      ORDER.indexOf(a.kind) - ORDER.indexOf(b.kind) || coldLoadGoal(a.name) - coldLoadGoal(b.name) || a.name.localeCompare(b.name),
  );
  const lines = [
    '## Bundles and cold start (issues 3 and 13)',
    '',
    `Measured ${result.measuredAt.toISOString().replace('T', ' ').slice(0, 19)} UTC by \`bench/bundles.ts\` (part of \`npm run bench\`, or \`npx tsx bench/bundles.ts\` alone).`,
    '',
    machineTable(machine, [], "Lambda runs Node.js 24; the figures compare bundles, they do not predict Lambda's init time"),
    '',
    'Sizes are of the staged assets of a real `cdk synth` (offline, local esbuild): the minified `index.js`',
    'each function runs (its own bundle, no layer), gzip level 9 for reference. Cold start is the median of',
    `${result.runs} fresh \`node\` processes (after one unreported warm-up) that require the bundle with`,
    'no `NODE_OPTIONS`, as deployed (source maps are opt-in: the `edgeprint:sourceMaps` context) and call the handler once',
    'with a request that needs no network; "above baseline" subtracts the median of a bare `node -e 0`.',
    'Wall time is what a user waits for; CPU time (user + system, read by the process itself) is the same',
    'work measured without the waits for a core that a shared machine adds, so it is the steadier column.',
    '',
    '| bundle | kind | minified | gzip | budget | handler call | wall (median) | wall above baseline | CPU above baseline | goal |',
    '|---|---|---:|---:|---:|---|---:|---:|---:|---:|',
  ];
  for (const row of rows) {
    const within = row.bytes < row.budget ? '' : ' **over**';
    const load = row.coldLoad;
    const goal = row.kind === 'edge' ? undefined : coldLoadGoal(row.name);
    const above = load === undefined ? undefined : load.medianMs - baseline.medianMs;
    const cpuAbove = load === undefined ? undefined : load.cpuMedianMs - baseline.cpuMedianMs;
    const verdict = goal === undefined || above === undefined ? '—' : `${goal} ms${above <= goal ? '' : cpuAbove !== undefined && cpuAbove <= goal ? ' (CPU within)' : ' **over**'}`;
    lines.push(
      `| ${row.name} | ${row.kind} | ${kib(row.bytes)} | ${kib(row.gzipBytes)} | ${kib(row.budget)}${within} | ${row.call ?? '—'} | ` +
        `${load === undefined ? '—' : ms(load.medianMs)} | ${above === undefined ? '—' : ms(above)} | ${cpuAbove === undefined ? '—' : ms(cpuAbove)} | ${verdict} |`,
    );
  }
  const withMaps = result.collectWithSourceMaps;
  const collect = result.rows.find((row) => row.name === 'collect')?.coldLoad;
  lines.push(
    '',
    `Baseline \`node -e 0\`: ${ms(baseline.medianMs)} wall (min ${ms(baseline.minMs)}, max ${ms(baseline.maxMs)}), ${ms(baseline.cpuMedianMs)} CPU.` +
      (withMaps === undefined || collect === undefined
        ? ''
        : ` collect with \`--enable-source-maps\` (the \`edgeprint:sourceMaps\` context): ${ms(withMaps.medianMs - baseline.medianMs)} wall, ${ms(withMaps.cpuMedianMs - baseline.cpuMedianMs)} CPU above baseline (as deployed, without: ${ms(collect.medianMs - baseline.medianMs)}, ${ms(collect.cpuMedianMs - baseline.cpuMedianMs)}).`),
    '',
    ...(result.sdkFloor === undefined
      ? []
      : [
          `**The SDK's floor**: a bundle of only the DynamoDB client and document client, built the same way (\`bench/sdk-floor-handler.ts\`, ${kib(result.sdkFloor.bytes)}), ` +
            `takes ${ms(result.sdkFloor.medianMs - baseline.medianMs)} wall, ${ms(result.sdkFloor.cpuMedianMs - baseline.cpuMedianMs)} CPU above baseline: ` +
            `what any function that reads the table pays before its own code.`,
          '',
        ]),
    `collect's bytes by package: ${result.collectComposition
      .slice(0, 6)
      .map(([name, bytes]) => `${name} ${kib(bytes)}`)
      .join(', ')}; the rest ${kib(result.collectComposition.slice(6).reduce((sum, [, bytes]) => sum + bytes, 0))}.`,
    '',
    `Goals (issue 13): at most ${COLD_LOAD_GOAL_MS.hot} ms above baseline for ${HOT_FUNCTIONS.join(', ')}, under ${COLD_LOAD_GOAL_MS.other} ms for every other function; ` +
      `each regional function under ${kib(BUNDLE_BUDGETS.regional)} and the edge function under ${kib(BUNDLE_BUDGETS.edge)} (enforced by \`test/infra/lib/stacks.test.ts\`). ` +
      'Figures measured while other work loaded the machine (see the load average) run high; how each function is composed is in docs/architecture.md.',
  );
  return lines.join('\n');
}

/** Runs the bundle benchmark and writes its section of docs/benchmarks.md. */
export function benchBundles(options: { runs?: number; file?: string } = {}): BundleBenchResult {
  const result = runBundleBench(options);
  writeSection(options.file ?? BENCHMARKS_FILE, 'bundles', renderBundleSection(result));
  return result;
}

if (require.main === module) {
  const runs = Number(process.env.BENCH_COLD_RUNS ?? 20);
  const result = benchBundles({ runs: Number.isInteger(runs) ? runs : 20 });
  process.stdout.write(`${renderBundleSection(result)}\n\nwritten to ${BENCHMARKS_FILE}\n`);
}
