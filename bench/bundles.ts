import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { BUNDLE_BUDGETS, bundleReport, type BundleInfo } from '../infra/lib/bundle-report';
import { resolveSettings } from '../infra/lib/config';
import { buildSync } from 'esbuild';
import { CORE_ENTRY, CORE_MODULE_PATH } from '../infra/lib/constructs/core-layer';
import { buildEdgeprintApp } from '../infra/lib/stacks';
import { machineInfo, type MachineInfo, machineTable } from './machine';
import { BENCHMARKS_FILE, writeSection } from './report';

/** Cold-load overhead goal above a bare `node -e 0`, from the deployment issue. */
export const COLD_LOAD_GOAL_MS = 60;

export interface ColdLoad {
  readonly medianMs: number;
  readonly minMs: number;
  readonly maxMs: number;
}

export interface BundleRow extends BundleInfo {
  readonly budget: number;
  /** The handler called once in a fresh process; undefined for the layer (it has no handler). */
  readonly coldLoad?: ColdLoad;
  readonly call?: string;
}

export interface BundleBenchResult {
  readonly measuredAt: Date;
  readonly machine: MachineInfo;
  readonly runs: number;
  readonly baseline: ColdLoad;
  /** A fresh process that only requires the core layer's bundle. */
  readonly layerOnly: ColdLoad;
  /** The same without `--enable-source-maps`: what the source maps cost at load. */
  readonly layerOnlyWithoutSourceMaps: ColdLoad;
  /** Bytes of the layer bundle by package, largest first. */
  readonly layerComposition: ReadonlyArray<readonly [string, number]>;
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
    case 'outbox-sweep':
      // Its only work is a table Query: measure the load, not a call that needs DynamoDB.
      return { event: undefined, call: 'require only (its handler reads the table)', expect: 'true' };
    default:
      // Admin routes check the API key first (401), the public ones the method (405): both answer without the network.
      return { event: apiEvent('DELETE', `/v1/${name}`), call: 'DELETE → 405 (method guard) or 401 (admin key check)', expect: '(r.statusCode === 405 || r.statusCode === 401)' };
  }
}

/** The child's script: require the bundle, call its handler once, exit non-zero on a wrong answer. */
function childScript(expectation: string, call: boolean): string {
  if (!call) return "const loaded = require(process.env.BENCH_FILE); if (typeof loaded.handler !== 'function') process.exit(3);";
  return [
    'const loaded = require(process.env.BENCH_FILE);',
    "const context = { awsRequestId: 'bench', functionName: 'bench', getRemainingTimeInMillis: () => 30000 };",
    'Promise.resolve(loaded.handler(JSON.parse(process.env.BENCH_EVENT), context)).then((r) => {',
    `  if (!(${expectation})) { console.error('unexpected result', JSON.stringify(r)); process.exit(3); }`,
    '}, (error) => { console.error(error); process.exit(2); });',
  ].join('\n');
}

function childEnvironment(layerModules: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    // As deployed: the layer on the module path, source maps on, the runtime's variables.
    NODE_PATH: layerModules,
    NODE_OPTIONS: '--enable-source-maps',
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
    EDGEPRINT_SQS_ENDPOINT: 'http://127.0.0.1:9',
    EDGEPRINT_PROVIDERS: '{}',
  };
}

function timeProcess(args: readonly string[], env: NodeJS.ProcessEnv): number {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { env, encoding: 'utf8' });
  const elapsed = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0) throw new Error(`node ${args.slice(0, 1).join(' ')} failed (${result.status}): ${result.stderr.slice(0, 2000)}`);
  return elapsed;
}

function coldLoad(runs: number, args: readonly string[], env: NodeJS.ProcessEnv): ColdLoad {
  timeProcess(args, env); // warm the file cache; not counted
  const times = Array.from({ length: runs }, () => timeProcess(args, env)).sort((a, b) => a - b);
  const middle = Math.floor(times.length / 2);
  const medianMs = times.length % 2 === 1 ? (times[middle] as number) : ((times[middle - 1] as number) + (times[middle] as number)) / 2;
  return { medianMs, minMs: times[0] as number, maxMs: times[times.length - 1] as number };
}

/** Which packages the layer's bytes come from (esbuild's metafile of the same build as the layer). */
function layerComposition(): Array<[string, number]> {
  const result = buildSync({
    entryPoints: [CORE_ENTRY],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node22',
    minify: true,
    mainFields: ['module', 'main'],
    legalComments: 'none',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const bytes = new Map<string, number>();
  for (const output of Object.values(result.metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
      const owner = match?.[1] ?? 'edgeprint core (layers/core/src)';
      // The SDK is many small packages: group them.
      const name = /^@(aws-sdk|smithy|aws-crypto)\//.test(owner) ? 'AWS SDK v3 (@aws-sdk, @smithy, @aws-crypto)' : owner;
      bytes.set(name, (bytes.get(name) ?? 0) + bytesInOutput);
    }
  }
  return [...bytes.entries()].sort((a, b) => b[1] - a[1]);
}

/**
 * Synthesizes the app (regional and edge stacks, offline) into a temporary directory, reads every
 * bundle's size from the staged assets, and times a fresh `node` that loads each bundle and calls
 * its handler once, against `node -e 0`.
 * @example const result = runBundleBench({ runs: 15 })
 */
export function runBundleBench(options: { runs?: number; log?: (line: string) => void } = {}): BundleBenchResult {
  const runs = Math.max(10, options.runs ?? 15);
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const outdir = mkdtempSync(join(tmpdir(), 'edgeprint-bundles-'));
  try {
    const machine = machineInfo();
    const app = new App({ outdir });
    buildEdgeprintApp(app, resolveSettings({ region: 'eu-west-1', siteOrigin: 'origin.shop.example' }));
    const bundles = bundleReport(app);
    const layer = bundles.find((bundle) => bundle.kind === 'layer');
    if (layer === undefined) throw new Error('no core layer in the app');
    const layerModules = join(layer.directory, 'nodejs', 'node_modules');
    const env = childEnvironment(layerModules);

    log(`baseline: node -e 0, ${runs} runs`);
    const baseline = coldLoad(runs, ['-e', '0'], env);
    log(`layer only: require ${CORE_MODULE_PATH}/index.js`);
    const layerOnly = coldLoad(runs, ['-e', `require(${JSON.stringify(layer.file)})`], env);
    const layerOnlyWithoutSourceMaps = coldLoad(runs, ['-e', `require(${JSON.stringify(layer.file)})`], { ...env, NODE_OPTIONS: '' });
    const rows: BundleRow[] = [];
    for (const bundle of bundles) {
      const budget = BUNDLE_BUDGETS[bundle.kind];
      if (bundle.kind === 'layer') {
        rows.push({ ...bundle, budget });
        continue;
      }
      const { event, call, expect } = invocation(bundle.name);
      log(`${bundle.name}: ${(bundle.bytes / 1024).toFixed(1)} KiB, ${call}`);
      const load = coldLoad(runs, ['-e', childScript(expect, event !== undefined)], { ...env, BENCH_FILE: bundle.file, BENCH_EVENT: JSON.stringify(event ?? null) });
      rows.push({ ...bundle, budget, coldLoad: load, call });
    }
    return { measuredAt: new Date(), machine, runs, baseline, layerOnly, layerOnlyWithoutSourceMaps, layerComposition: layerComposition(), rows };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
const ms = (value: number) => `${value.toFixed(1)} ms`;
const ORDER = ['regional', 'edge', 'layer'];

/** The `bench:bundles` section of docs/benchmarks.md. */
export function renderBundleSection(result: BundleBenchResult): string {
  const { machine } = result;
  const rows = [...result.rows].sort((a, b) => ORDER.indexOf(a.kind) - ORDER.indexOf(b.kind) || a.name.localeCompare(b.name));
  const lines = [
    '## Bundles and cold load (issue 3)',
    '',
    `Measured ${result.measuredAt.toISOString().replace('T', ' ').slice(0, 19)} UTC by \`bench/bundles.ts\` (part of \`npm run bench\`, or \`npx tsx bench/bundles.ts\` alone).`,
    '',
    machineTable(machine, [], "Lambda runs Node.js 24; the figures compare bundles, they do not predict Lambda's init time"),
    '',
    'Sizes are of the staged assets of a real `cdk synth` (offline, local esbuild): the minified `index.js`',
    'each function runs, gzip level 9 for reference (Lambda limits apply to the zip). Cold load is the',
    `median wall time of ${result.runs} fresh \`node\` processes (after one unreported warm-up) that require the`,
    'bundle, with the core layer on `NODE_PATH` and `--enable-source-maps` as deployed, and call the',
    'handler once with a request that needs no network; "above baseline" subtracts the median of a bare',
    '`node -e 0`.',
    '',
    '| bundle | kind | minified | gzip | budget | handler call | cold load (median) | above baseline |',
    '|---|---|---:|---:|---:|---|---:|---:|',
  ];
  for (const row of rows) {
    const within = row.bytes < row.budget ? '' : ' **over**';
    const load = row.coldLoad;
    lines.push(
      `| ${row.name} | ${row.kind} | ${kib(row.bytes)} | ${kib(row.gzipBytes)} | ${kib(row.budget)}${within} | ${row.call ?? '—'} | ` +
        `${load === undefined ? '—' : ms(load.medianMs)} | ${load === undefined ? '—' : ms(load.medianMs - result.baseline.medianMs)} |`,
    );
  }
  const overheads = rows.filter((row) => row.coldLoad !== undefined).map((row) => (row.coldLoad as ColdLoad).medianMs - result.baseline.medianMs);
  const worst = Math.max(...overheads);
  lines.push(
    '',
    `Baseline \`node -e 0\`: ${ms(result.baseline.medianMs)} (min ${ms(result.baseline.minMs)}, max ${ms(result.baseline.maxMs)}). ` +
      `Requiring the core layer alone: ${ms(result.layerOnly.medianMs)}, ${ms(result.layerOnly.medianMs - result.baseline.medianMs)} above baseline ` +
      `(without \`--enable-source-maps\`: ${ms(result.layerOnlyWithoutSourceMaps.medianMs - result.baseline.medianMs)} above baseline).`,
    '',
    `The layer's bytes by package: ${result.layerComposition
      .slice(0, 6)
      .map(([name, bytes]) => `${name} ${kib(bytes)}`)
      .join(', ')}; the rest ${kib(result.layerComposition.slice(6).reduce((sum, [, bytes]) => sum + bytes, 0))}.`,
    '',
    `Goals: each regional function under ${kib(BUNDLE_BUDGETS.regional)} and the edge function under ${kib(BUNDLE_BUDGETS.edge)} ` +
      `(both enforced by \`test/infra/lib/stacks.test.ts\`), cold-load overhead under ${COLD_LOAD_GOAL_MS} ms: ` +
      `the worst function here is ${ms(worst)} above baseline, ${worst < COLD_LOAD_GOAL_MS ? 'within' : '**over**'} the goal. ` +
      'The functions themselves are a few hundred bytes: the load time is the core layer, shared by all of them, and most of it is ' +
      'parsing zod and the AWS SDK clients. Figures measured while other work loaded the machine (see the load average) run high.',
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
  const runs = Number(process.env.BENCH_COLD_RUNS ?? 15);
  const result = benchBundles({ runs: Number.isInteger(runs) ? runs : 15 });
  process.stdout.write(`${renderBundleSection(result)}\n\nwritten to ${BENCHMARKS_FILE}\n`);
}
