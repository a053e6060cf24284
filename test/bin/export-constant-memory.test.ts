import { createReadStream, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { ensureTable } from '../../infra/local/embedded-dynamodb';
import { keys } from '../../layers/core/src/store/keys';
import { REPO, runCli, useTestTable, type CliRun } from './cli-helpers';

/**
 * `edgeprint export` of 100,000 items in constant memory. The CLI runs as a child process with a
 * preload that records its peak RSS (VmHWM). Growth is measured against the same CLI exporting an
 * empty table, and the bound is shown to mean something by a control: the same export holding its
 * output in memory must exceed it.
 */

const ITEMS = 100_000;
const WRITERS = 4; // dynalite is CPU-bound: 4 parallel BatchWrites are as fast as 16 on 2 cores (measured)
/**
 * Streaming growth must stay under this. Measured: 40 to 80 MB however many items (V8 sizing its heap
 * lazily around a few 1 MB pages in flight; capped with --max-old-space-size=100 the same export peaks
 * at ~120 MB in all), against ~300 MB for the same export held in memory: the bound has room on a
 * loaded machine and still fails an exporter that accumulates its output (the control below).
 */
const BOUND = 128 * 1024 * 1024;

const work = mkdtempSync(join(tmpdir(), 'edgeprint-100k-'));
const table = useTestTable({ path: join(work, 'dynamodb') }); // on disk: 100k items would sit in this worker's heap otherwise
afterAll(() => rmSync(work, { recursive: true, force: true }));

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const USER_AGENT = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

/** Activity rows of realistic size (~1 KB: a long tracking path, a browser user agent). */
function activityItem(index: number): Record<string, unknown> {
  const at = new Date(Date.UTC(2024, 0, 1) + index * 1000).toISOString();
  const eventId = `evt-${String(index).padStart(6, '0')}`;
  const sessionId = `s${String(index % 5000).padStart(21, '0')}`;
  return {
    ...keys.activity(sessionId, at, eventId),
    type: 'activity',
    eventId,
    at,
    date: at.slice(0, 10),
    path: `/products/${index}?utm_source=newsletter&utm_medium=email&utm_campaign=${'spring-sale-'.repeat(40)}&ref=${index}`,
    referer: 'https://www.example.com/',
    sessionId,
    userId: `user-${index % 1000}`,
    ip: '203.0.113.0',
    userAgent: USER_AGENT,
    expiresAt: Math.floor(Date.parse(at) / 1000) + 395 * 86400,
  };
}

async function writeItems(): Promise<void> {
  let next = 0;
  const writer = async () => {
    for (let start = next; start < ITEMS; start = next) {
      next += 25;
      let requests: unknown[] = Array.from({ length: Math.min(25, ITEMS - start) }, (_, i) => ({ PutRequest: { Item: activityItem(start + i) } }));
      while (requests.length > 0) {
        const result = await table().table.client.send(new BatchWriteCommand({ RequestItems: { [table().tableName]: requests as never } }));
        requests = result.UnprocessedItems?.[table().tableName] ?? [];
      }
    }
  };
  await Promise.all(Array.from({ length: WRITERS }, writer));
}

async function measured(args: string[], script?: string): Promise<CliRun & { peak: number; seconds: number }> {
  const peakFile = join(work, `peak-${Math.random().toString(36).slice(2)}`);
  const started = Date.now();
  const nodeArgs = ['--require', join(__dirname, 'peak-rss.cjs'), ...(script === undefined ? [] : ['--require', 'tsx/cjs', script])];
  const run = await runCli(script === undefined ? args : [], { env: { EDGEPRINT_TEST_PEAK_RSS_FILE: peakFile }, nodeArgs: script === undefined ? nodeArgs : [...nodeArgs, ...args] });
  return { ...run, peak: Number(readFileSync(peakFile, 'utf8')), seconds: (Date.now() - started) / 1000 };
}

async function countLines(file: string): Promise<{ lines: number; distinct: number }> {
  const ids = new Set<string>();
  let lines = 0;
  for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
    lines += 1;
    ids.add(String((JSON.parse(line) as { eventId: string }).eventId));
  }
  return { lines, distinct: ids.size };
}

describe('edgeprint export (100,000 items)', () => {
  it('streams 100,000 items to JSONL with bounded memory growth, where holding them would not be', async () => {
    const writeStarted = Date.now();
    await writeItems();
    const writeSeconds = (Date.now() - writeStarted) / 1000;
    const emptyTable = `${table().tableName}-empty`;
    await ensureTable(table().endpoint, emptyTable, 'us-east-1');

    const baseline = await measured(['export', '--type', 'activity', '--out', join(work, 'empty.jsonl'), '--endpoint', table().endpoint, '--table', emptyTable]);
    expect(baseline.code).toBe(0);
    const out = join(work, 'all.jsonl');
    const full = await measured(['export', '--type', 'activity', '--out', out, '--endpoint', table().endpoint, '--table', table().tableName]);
    expect(full.stderr).toContain('exported 100,000 activity records');
    expect(full.code).toBe(0);
    const bytes = statSync(out).size;
    expect(await countLines(out)).toEqual({ lines: ITEMS, distinct: ITEMS });

    const control = await measured([table().endpoint, table().tableName, join(work, 'held.jsonl')], join(REPO, 'test', 'bin', 'buffered-export.ts'));
    expect(control.code).toBe(0);
    expect(statSync(join(work, 'held.jsonl')).size).toBe(bytes);

    const growth = full.peak - baseline.peak;
    const heldGrowth = control.peak - baseline.peak;
    console.log(
      `export of ${ITEMS.toLocaleString('en')} items (${mb(bytes)} JSONL): CLI peak RSS ${mb(full.peak)} ` +
        `(empty-table baseline ${mb(baseline.peak)}, growth ${mb(growth)}, bound ${mb(BOUND)}), ${full.seconds.toFixed(1)} s; ` +
        `output held in memory instead: peak ${mb(control.peak)} (growth ${mb(heldGrowth)}); writing the items took ${writeSeconds.toFixed(1)} s`,
    );
    // The bound is meaningful: the same export holding its output exceeds it.
    expect(heldGrowth).toBeGreaterThan(BOUND);
    expect(growth).toBeLessThan(BOUND);
  }, 600_000);
});
