import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LoadResult, LoadSettings } from './load';
import { machineTable, type MachineInfo } from './machine';
import { WRITE_UNIT_DEBOUNCE_SECONDS, type ItemSizeRow, type WriteUnitReport } from './write-units';

export const BENCHMARKS_FILE = join(__dirname, '..', 'docs', 'benchmarks.md');

const INTRO = `# Benchmarks

These are measurements, not tests: nothing here passes or fails, and no test asserts a speed.
Each section is written by a benchmark run and names the machine, the date and the settings it
was measured with; figures from another machine are not comparable. Reproduce them with
\`npm run bench\` (\`BENCH_DURATION=3 npm run bench\` for a quick run, \`BENCH_CONNECTIONS\` to change
the concurrency). A run replaces only its own section of this file.
`;

export interface LocalStackReport {
  readonly measuredAt: Date;
  readonly machine: MachineInfo;
  readonly settings: LoadSettings & { readonly warmupSeconds: number; readonly debounceSeconds: number; readonly writeUnitSamples: number };
  readonly versions: Readonly<Record<string, string>>;
  readonly collect: readonly LoadResult[];
  readonly redirect: readonly LoadResult[];
  /** One line per check of what the stack stored against what it answered. */
  readonly checks: readonly string[];
  readonly warnings: readonly string[];
  readonly writeUnits: WriteUnitReport;
}

/** Replaces the text between `<!-- bench:NAME -->` and `<!-- /bench:NAME -->`, or appends the section; the rest of the file is kept. */
export function writeSection(file: string, name: string, body: string): void {
  const open = `<!-- bench:${name} -->`;
  const close = `<!-- /bench:${name} -->`;
  const section = `${open}\n${body.trim()}\n${close}`;
  const current = existsSync(file) ? readFileSync(file, 'utf8') : INTRO;
  const start = current.indexOf(open);
  const end = current.indexOf(close);
  const next =
    start >= 0 && end > start
      ? `${current.slice(0, start)}${section}${current.slice(end + close.length)}`
      : `${current.trimEnd()}\n\n${section}\n`;
  writeFileSync(file, next);
}

const number = (value: number, digits = 0) =>
  value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const ms = (value: number) => `${number(value, value < 10 ? 1 : 0)} ms`;
const units = (value: number) => (Number.isInteger(value) ? String(value) : value.toFixed(2));

function loadTable(results: readonly LoadResult[]): string {
  const lines = [
    '| run | requests | requests/s | p50 latency | p99 latency | max latency | non-2xx | errors |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of results) {
    lines.push(
      `| ${r.title} | ${number(r.requests)} | ${number(r.requestsPerSecond, 1)} | ${ms(r.latencyP50Ms)} | ${ms(r.latencyP99Ms)} | ${ms(r.latencyMaxMs)} | ${number(r.non2xx)} | ${number(r.errors)} |`,
    );
  }
  return lines.join('\n');
}

function writeUnitTable(report: WriteUnitReport): string {
  const lines = [
    '| request type | what it does | write units | read units | operations per request | budget |',
    '|---|---|---:|---:|---|---|',
  ];
  for (const row of report.rows) {
    const budget =
      row.budget === undefined ? '' : row.writeUnits <= row.budget ? `≤ ${row.budget}: within` : `≤ ${row.budget}: **over**`;
    lines.push(`| ${row.requestType} | ${row.path} | **${units(row.writeUnits)}** | ${units(row.readUnits)} | ${row.operations} | ${budget} |`);
  }
  return lines.join('\n');
}

function itemSizeTable(sizes: readonly ItemSizeRow[]): string {
  const lines = ['| item | items | average size | largest | write units to put it |', '|---|---:|---:|---:|---:|'];
  for (const row of sizes) {
    lines.push(`| ${row.itemType} | ${row.items} | ${number(row.averageBytes)} B | ${number(row.maxBytes)} B | ${Math.ceil(row.maxBytes / 1024)} |`);
  }
  return lines.join('\n');
}

/** The "Local stack (issue 2)" section of docs/benchmarks.md. */
export function renderLocalStackSection(report: LocalStackReport): string {
  const { machine, settings, writeUnits } = report;
  const date = report.measuredAt.toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
  const over = writeUnits.rows.filter((row) => row.budget !== undefined && row.writeUnits > row.budget);
  const unmetered = writeUnits.rows.reduce((sum, row) => sum + row.unmetered, 0);
  const unexpected = writeUnits.rows.filter((row) => row.unexpected > 0);
  const big = writeUnits.itemSizes.filter((row) => row.maxBytes > 1024);
  return `## Local stack (issue 2)

Measured ${date} by \`npm run bench\` (\`bench/run.ts\`).

${machineTable(machine)}

| setting | value |
|---|---|
| connections | ${settings.connections} |
| duration | ${settings.durationSeconds} s per run, after an unreported ${settings.warmupSeconds} s warm-up per endpoint |
| load generator | autocannon ${report.versions.autocannon}, programmatic API, in 1 worker thread |
| stack | \`startLocalStack\` in the main thread: local API Gateway adapter, the real handlers, dynalite ${report.versions.dynalite} in memory, AWS SDK ${report.versions['@aws-sdk/client-dynamodb']}; the local queue in memory; its consumer (the forwarder) ${{ main: 'on the main thread (`EDGEPRINT_LOCAL_CONSUMER=main`, the default)', thread: 'on a worker thread, reaching the store through a MessagePort (`EDGEPRINT_LOCAL_CONSUMER=thread`)', 'store-thread': 'and dynalite on a worker thread (`EDGEPRINT_LOCAL_CONSUMER=store-thread`)' }[process.env.EDGEPRINT_LOCAL_CONSUMER ?? 'main'] ?? String(process.env.EDGEPRINT_LOCAL_CONSUMER)}; all on 127.0.0.1 |
| logging | \`POWERTOOLS_LOG_LEVEL=ERROR\` |
| debounce window | ${settings.debounceSeconds} s for the load runs (longer than a run, so every repeat is inside it); ${WRITE_UNIT_DEBOUNCE_SECONDS} s (the default) for the write units |
| client | a desktop Chrome user agent and its usual headers (bots are dropped unrecorded, so a bare client would measure nothing) |

### POST /v1/collect

\`text/plain\` JSON pageviews, as \`navigator.sendBeacon\` sends them. *New unique pageviews*: every
request carries a session cookie and a url never seen before (a session read, the debounce gate, the
session item, the hit counter). *Repeat pageviews*: one session and one url over and over, all inside
the debounce window (a session read and a refused gate; nothing stored).

${loadTable(report.collect)}

### GET /v1/r?next=/some/page

The redirect page, from a browser without a session: each request mints a session, records its
request fingerprint and counts a hit for \`/some/page\`, then answers the HTML page. All views count
on that one counter item, a hot key that dynalite serialises.

${loadTable(report.redirect)}

What the stack stored, read back once it was idle. autocannon does not count the requests still in
flight when a run stops (up to one per connection), but the stack completes and records them,
hence the ranges:

${report.checks.map((line) => `- ${line}`).join('\n')}
${report.warnings.length === 0 ? '' : `\n**Warnings:**\n\n${report.warnings.map((line) => `- ${line}`).join('\n')}\n`}
### Write units per request type

Measured through the domain, not over HTTP: \`recordVisit()\` and \`dynamoEventStore\` (the code the
handlers call) on a second in-memory dynalite, ${settings.writeUnitSamples} requests of each type, averaged.
Records carry the same browser headers as the load runs. A "new session" is one whose id was minted
for the request (no cookie), so no session read; the load run's unique pageviews send an unknown
cookie instead, which adds one session read (0.5 read units) to the same writes. The meter
(\`test/helpers/capacity.ts\`) sets \`ReturnConsumedCapacity: 'TOTAL'\` on every call and sums the
answers. How each figure was obtained:

- Successful writes and reads: reported by dynalite, which sizes them like DynamoDB (1 write unit
  per started KB of the larger of the old and new item; 0.5 read unit per 4 KB for an eventually
  consistent read, also for a missing item).${unmetered === 0 ? ' No successful call came back without ConsumedCapacity.' : ` **${unmetered} successful calls came back without ConsumedCapacity and are not counted.**`}
- A failed condition (the refused debounce gate): dynalite, like DynamoDB, reports no capacity for
  it; the meter counts 1 write unit, DynamoDB's minimum charge for a failed conditional write
  (exact for the small view-marker item).
- No item written here carries the \`gsi1\` index keys, so no index write units apply.${unexpected.length === 0 ? '' : `\n- **Some requests did not have the expected outcome:** ${unexpected.map((row) => `${row.requestType} (${row.unexpected})`).join(', ')}.`}

${writeUnitTable(writeUnits)}

Sizes of the items those requests wrote (DynamoDB's size rule: attribute names plus values):

${itemSizeTable(writeUnits.itemSizes)}
${
  over.length === 0
    ? ''
    : `
**Over budget:** ${over.map((row) => `${row.requestType}: ${units(row.writeUnits)} write units (budget ${row.budget})`).join('; ')}.
A write costs 1 unit per started KB; items over 1,024 B here: ${
        big.length === 0 ? 'none (so the extra units come from extra calls)' : big.map((row) => `${row.itemType} (${number(row.maxBytes)} B)`).join(', ')
      }.
`
}
Reading these figures: the stack, dynalite and the load generator share this machine's ${machine.cores} cores, and
dynalite (a LevelDB-backed emulator in the same Node process) does every DynamoDB call the handlers
make. On AWS each Lambda has its own CPU and DynamoDB answers in a few milliseconds, so the local
figures show the cost of the code path on one machine, not the capacity of a deployment.${
    machine.loadAverage[0] >= 1
      ? ` Other work was running when this run started (load average ${machine.loadAverage[0].toFixed(2)} on ${machine.cores} cores), so these throughput and latency figures are lower than the machine gives when idle.`
      : ''
  } The write units do carry over: they are what DynamoDB bills per request.`;
}
