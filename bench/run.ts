import { randomBytes } from 'node:crypto';
import { join, relative } from 'node:path';
import { DynamoDBClient, paginateScan } from '@aws-sdk/client-dynamodb';
import { startLocalStack, type LocalStack } from '../infra/local/local-stack';
import { DEFAULT_MAX_BACKLOG } from '../infra/local/local-sqs';
import { runLoad, type LoadResult, type LoadScenario, type LoadSettings } from './load';
import { installedVersion, machineInfo } from './machine';
import { benchBundles } from './bundles';
import { runEdgeBench } from './edge';
import { runForwarderBench } from './forwarder';
import { runSnippetBench } from './snippet';
import { runSnippetDeliveryBench } from './snippet-delivery';
import { runAggregatesBench } from './aggregates';
import { BENCHMARKS_FILE, renderLocalStackSection, writeSection, type LocalStackReport } from './report';
import { BROWSER_HEADERS, pageviewBody } from './traffic';
import { measureWriteUnits } from './write-units';

// Longer than any run, so every repeat pageview of the repeat run falls inside the window.
const BENCH_DEBOUNCE_SECONDS = 3600;
const WRITE_UNIT_SAMPLES = 50;
const REDIRECT_NEXT = '/some/page';

function positiveInteger(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive whole number, got "${raw}"`);
  return value;
}

const COLLECT_HEADERS = { ...BROWSER_HEADERS, 'content-type': 'text/plain;charset=UTF-8' };

const uniquePageviews: LoadScenario = {
  title: 'new unique pageviews (new session and url each)',
  method: 'POST',
  path: '/v1/collect',
  headers: COLLECT_HEADERS,
  setupRequest: join(__dirname, 'unique-pageview-request.ts'),
};

function repeatPageviews(sessionId: string, url: string): LoadScenario {
  return {
    title: 'repeat pageviews (one session and url, inside the window)',
    method: 'POST',
    path: '/v1/collect',
    headers: { ...COLLECT_HEADERS, cookie: `ep_sid=${sessionId}` },
    body: pageviewBody(url),
  };
}

const redirectViews: LoadScenario = {
  title: 'redirect page views (new session each)',
  method: 'GET',
  path: `/v1/r?next=${encodeURIComponent(REDIRECT_NEXT)}`,
  headers: BROWSER_HEADERS,
};

async function timed(label: string, scenario: LoadScenario, url: string, settings: LoadSettings): Promise<LoadResult> {
  process.stdout.write(`${label}: ${scenario.method} ${scenario.path}, ${settings.connections} connections, ${settings.durationSeconds} s … `);
  const result = await runLoad(url, scenario, settings);
  process.stdout.write(
    `${result.requestsPerSecond.toFixed(1)} req/s, p50 ${result.latencyP50Ms} ms, p99 ${result.latencyP99Ms} ms, ` +
      `non-2xx ${result.non2xx}, errors ${result.errors}\n`,
  );
  return result;
}

const ok = (result: LoadResult) => result.requests - result.non2xx;

async function hitCount(stack: LocalStack, url: string): Promise<number> {
  const response = await fetch(`${stack.url}/v1/hits?url=${encodeURIComponent(url)}`);
  const body = (await response.json()) as { counts?: Record<string, number> };
  return body.counts?.[url] ?? -1;
}

/** Counts the stack's items by type (sessions by the kind of record they embed), through the real SDK. */
async function countItems(stack: LocalStack): Promise<Map<string, number>> {
  const client = new DynamoDBClient({
    endpoint: stack.dynamodbEndpoint,
    region: process.env.AWS_REGION ?? 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const counts = new Map<string, number>();
  try {
    const pages = paginateScan(
      { client },
      { TableName: stack.tableName, ProjectionExpression: '#type, #first.#type', ExpressionAttributeNames: { '#type': 'type', '#first': 'first' } },
    );
    for await (const page of pages) {
      for (const item of page.Items ?? []) {
        const first = item.first?.M?.type?.S;
        const name = first === undefined ? (item.type?.S ?? 'unknown') : `session/${first}`;
        counts.set(name, (counts.get(name) ?? 0) + 1);
      }
    }
  } finally {
    client.destroy();
  }
  return counts;
}

/** A check of what the stack stored; a mismatch becomes a warning. */
function check(label: string, actual: number, expected: { min: number; max: number }, warnings: string[]): string {
  const fits = actual >= expected.min && actual <= expected.max;
  const range =
    expected.min === expected.max
      ? expected.min.toLocaleString('en-US')
      : `${expected.min.toLocaleString('en-US')} to ${expected.max.toLocaleString('en-US')}`;
  if (!fits) warnings.push(`${label}: ${actual}, expected ${range}`);
  return `${label}: ${actual.toLocaleString('en-US')} (expected ${range})${fits ? '' : ' **mismatch**'}`;
}

const exactly = (value: number) => ({ min: value, max: value });

/**
 * Waits until the stack has finished the requests autocannon left in flight when it stopped (their
 * answers are not counted, but they are recorded): the redirect target's counter, the last write of
 * each of them, stops moving. Closing dynalite under queued writes would crash it.
 */
async function settle(stack: LocalStack, url: string): Promise<number> {
  let last = -1;
  for (let stable = 0; stable < 3; ) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    const current = await hitCount(stack, url);
    stable = current === last ? stable + 1 : 0;
    last = current;
  }
  return last;
}

/** The local stack under load (issue 2). */
async function runLocalStackBench(): Promise<void> {
  const settings: LoadSettings = {
    connections: positiveInteger('BENCH_CONNECTIONS', 32),
    durationSeconds: positiveInteger('BENCH_DURATION', 20),
  };
  const warmup: LoadSettings = { connections: settings.connections, durationSeconds: Math.min(2, settings.durationSeconds) };
  process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';
  process.env.EDGEPRINT_REBUILD_SNIPPET ??= 'false';
  // This section measures the embedded dynalite, whatever endpoint the shell points tests at.
  delete process.env.EDGEPRINT_DYNAMODB_ENDPOINT;
  const measuredAt = new Date();
  const machine = machineInfo();
  const warnings: string[] = [];
  const checks: string[] = [];
  let collect: LoadResult[];
  let redirect: LoadResult[];
  let settled = false;

  const stack = await startLocalStack({
    host: '127.0.0.1',
    port: 0,
    demo: false,
    env: { EDGEPRINT_DEBOUNCE_SECONDS: String(BENCH_DEBOUNCE_SECONDS) },
  });
  console.log(`local stack on ${stack.url} (dynalite in memory at ${stack.dynamodbEndpoint})`);
  try {
    const warmCollect = await timed('warm-up', uniquePageviews, stack.url, warmup);
    const warmRedirect = await timed('warm-up', redirectViews, stack.url, warmup);

    // Each path is measured from an empty queue (a burst of one run's length): the queue holds at most
    // DEFAULT_MAX_BACKLOG events before writes wait for the consumer, so a run that started behind the
    // previous run's backlog would measure that backlog, not its own path.
    const backlogs: string[] = [];
    const measured = async (label: string, scenario: LoadScenario): Promise<LoadResult> => {
      await stack.queue.drain(600_000);
      const result = await timed(label, scenario, stack.url, settings);
      backlogs.push(`${scenario.title} ${stack.queue.backlog().toLocaleString('en-US')}`);
      return result;
    };
    const unique = await measured('collect', uniquePageviews);
    const repeatSession = randomBytes(16).toString('base64url');
    const repeatUrl = 'https://site.example/articles/read-again';
    const seed = await fetch(`${stack.url}/v1/collect`, {
      method: 'POST',
      headers: { ...COLLECT_HEADERS, cookie: `ep_sid=${repeatSession}` },
      body: pageviewBody(repeatUrl),
    });
    if (seed.status !== 204) throw new Error(`the first pageview of the repeat run answered ${seed.status}`);
    const repeat = await measured('collect', repeatPageviews(repeatSession, repeatUrl));
    const views = await measured('redirect', redirectViews);
    checks.push(`queue backlog at the end of each run (each starts with an empty queue; at ${DEFAULT_MAX_BACKLOG.toLocaleString('en-US')} queued events writes wait for the consumer): ${backlogs.join('; ')}`);
    collect = [unique, repeat];
    redirect = [views];

    for (const result of [warmCollect, warmRedirect, ...collect, ...redirect]) {
      if (result.non2xx > 0 || result.errors > 0) {
        warnings.push(
          `${result.title}: ${result.non2xx} non-2xx responses and ${result.errors} errors (status codes ${JSON.stringify(result.statusCodes)})`,
        );
      }
    }
    const redirectTarget = new URL(REDIRECT_NEXT, stack.url).href;
    // Hits are counted by the queue consumer downstream of the stored records: let it catch up first.
    const backlog = stack.queue.backlog();
    const drainStarted = Date.now();
    await stack.queue.drain(600_000);
    const drainSeconds = (Date.now() - drainStarted) / 1000;
    console.log(`queue backlog after the runs: ${backlog} events, drained in ${drainSeconds.toFixed(1)} s`);
    checks.push(`queue backlog when the last run ended: ${backlog.toLocaleString('en-US')} events, drained by the consumer in ${drainSeconds.toFixed(1)} s (${backlog > 0 ? (backlog / Math.max(0.001, drainSeconds)).toFixed(0) : '—'} events/s, no load)`);
    const redirectHits = await settle(stack, redirectTarget);
    settled = true;
    const items = await countItems(stack);
    // Requests in flight when a run stopped are recorded but not counted by autocannon: up to one per connection per run.
    const inFlight = 2 * settings.connections;
    const collectAnswered = ok(warmCollect) + ok(unique) + 1;
    const redirectAnswered = ok(warmRedirect) + ok(views);
    const redirectSessions = items.get('session/request_fingerprint') ?? 0;
    checks.push(
      check(
        'sessions created by collect (new unique pageviews, warm-up and the repeat session)',
        items.get('session/browser_event') ?? 0,
        { min: collectAnswered, max: collectAnswered + inFlight },
        warnings,
      ),
      check(
        'sessions created by the redirect page (one per view, warm-up included)',
        redirectSessions,
        { min: redirectAnswered, max: redirectAnswered + inFlight },
        warnings,
      ),
      check(`/v1/hits for the redirect target ${REDIRECT_NEXT} (one per redirect session)`, redirectHits, exactly(redirectSessions), warnings),
      check('pageview records stored by the repeat run', items.get('browser_event') ?? 0, exactly(0), warnings),
      check('/v1/hits for the repeated url', await hitCount(stack, repeatUrl), exactly(1), warnings),
    );
  } finally {
    // After a failure, give the requests still in the stack a moment before dynalite closes under them.
    if (!settled) await new Promise((resolve) => setTimeout(resolve, 2000));
    await stack.close();
  }

  process.stdout.write(`write units: ${WRITE_UNIT_SAMPLES} domain calls per request type … `);
  const writeUnits = await measureWriteUnits(WRITE_UNIT_SAMPLES);
  process.stdout.write('done\n');
  for (const row of writeUnits.rows) {
    const over = row.budget !== undefined && row.writeUnits > row.budget ? `  (over the budget of ${row.budget})` : '';
    console.log(`  ${row.requestType}: ${row.writeUnits} write units, ${row.readUnits} read units${over}`);
    if (row.unexpected > 0) warnings.push(`${row.requestType}: ${row.unexpected} of ${row.samples} calls had an unexpected outcome`);
    if (row.unmetered > 0) warnings.push(`${row.requestType}: ${row.unmetered} calls reported no consumed capacity`);
  }

  const report: LocalStackReport = {
    measuredAt,
    machine,
    settings: { ...settings, warmupSeconds: warmup.durationSeconds, debounceSeconds: BENCH_DEBOUNCE_SECONDS, writeUnitSamples: WRITE_UNIT_SAMPLES },
    versions: Object.fromEntries(['autocannon', 'dynalite', '@aws-sdk/client-dynamodb'].map((name) => [name, installedVersion(name)])),
    collect,
    redirect,
    checks,
    warnings,
    writeUnits,
  };
  writeSection(BENCHMARKS_FILE, 'local-stack', renderLocalStackSection(report));
  for (const line of checks) console.log(`  ${line.replace(/\*\*/g, '')}`);
  for (const warning of warnings) console.warn(`WARNING: ${warning}`);
  console.log(`wrote the "Local stack (issue 2)" section of ${relative(process.cwd(), BENCHMARKS_FILE)}`);
}

/** Every benchmark, each writing its own section of docs/benchmarks.md; `BENCH_ONLY=a,b` picks some. */
const BENCHES: Record<string, () => Promise<unknown> | unknown> = {
  'local-stack': runLocalStackBench,
  forwarder: () => runForwarderBench(),
  edge: () => runEdgeBench(),
  snippet: () => runSnippetBench(),
  'snippet-delivery': () => runSnippetDeliveryBench(),
  aggregates: () => runAggregatesBench(),
  bundles: () => benchBundles(),
};

async function main(): Promise<void> {
  const only = process.env.BENCH_ONLY?.split(',').map((name) => name.trim()).filter(Boolean);
  const unknown = (only ?? []).filter((name) => !(name in BENCHES));
  if (unknown.length > 0) throw new Error(`unknown BENCH_ONLY entries: ${unknown.join(', ')} (known: ${Object.keys(BENCHES).join(', ')})`);
  for (const [name, bench] of Object.entries(BENCHES)) {
    if (only !== undefined && !only.includes(name)) continue;
    console.log(`\n== ${name} ==`);
    await bench();
  }
}

main().catch((error: unknown) => {
  console.error(`benchmark failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exitCode = 1;
});
