import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient, paginateScan } from '@aws-sdk/client-dynamodb';
import { exited, startStackProcess, type StackProcess } from '../test/helpers/stack-process';
import { machineInfo, machineTable } from './machine';
import { BENCHMARKS_FILE, writeSection } from './report';
import { BROWSER_HEADERS } from './traffic';

/**
 * `npm run soak`: a bounded soak of `npm start` on loopback (SOAK_SECONDS, default 600): mixed
 * traffic from SOAK_CONNECTIONS loops (new visitors, returning visitors, the redirect page, hit
 * reads, activity rows), a kill -9 at 40 % and a SIGTERM under load at 75 % of the run, each followed
 * by a restart on the same data. Prints resident memory over time, then what was acknowledged,
 * stored, counted and delivered to a loopback webhook, and the shutdown time; writes the figures to
 * docs/benchmarks.md ("Reliability"). Not part of `npm test`.
 */
const SECONDS = Number(process.env.SOAK_SECONDS ?? 600);
/** SOAK_WRITES=N: a memory run instead: new-visitor pageviews only, no faults, until N are acknowledged. */
const WRITES = process.env.SOAK_WRITES === undefined ? undefined : Number(process.env.SOAK_WRITES);
const CONNECTIONS = Number(process.env.SOAK_CONNECTIONS ?? 16);
const API_KEY = 'soak-api-key-0123456789abcdef0123';
const SITE = 'soak.example';

interface Tally {
  acknowledged: number;
  refused: number;
  errors: number;
  byKind: Record<string, number>;
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024);
}

function receiver() {
  const ids = new Map<string, number>();
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      for (const event of (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { events: { eventId: string }[] }).events) ids.set(event.eventId, (ids.get(event.eventId) ?? 0) + 1);
      response.writeHead(200).end('{}');
    });
  });
  return { server, ids };
}

async function oneRequest(stack: StackProcess, n: number, sessions: string[], tally: Tally): Promise<void> {
  const kind = ['new', 'new', 'new', 'returning', 'redirect', 'hits', 'activity'][n % 7]!;
  const page = `https://${SITE}/p/${n % 50}`;
  const headers: Record<string, string> = { ...BROWSER_HEADERS };
  const session = sessions[n % Math.max(1, sessions.length)];
  let response: Response;
  if (kind === 'new' || (kind === 'returning' && session === undefined)) {
    response = await fetch(`${stack.url}/v1/collect`, { method: 'POST', headers: { ...headers, 'content-type': 'text/plain' }, body: JSON.stringify({ url: page }) });
  } else if (kind === 'returning') {
    response = await fetch(`${stack.url}/v1/collect`, { method: 'POST', headers: { ...headers, 'content-type': 'text/plain', cookie: `ep_sid=${session}` }, body: JSON.stringify({ url: `${page}?n=${n}` }) });
  } else if (kind === 'redirect') {
    response = await fetch(`${stack.url}/v1/r?next=${encodeURIComponent('/landing')}`, { headers, redirect: 'manual' });
  } else if (kind === 'hits') {
    response = await fetch(`${stack.url}/v1/hits?url=${encodeURIComponent(page)}`, { headers });
  } else {
    response = await fetch(`${stack.url}/v1/activity`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json', ...(session === undefined ? {} : { cookie: `ep_sid=${session}` }) }, body: JSON.stringify({ date: new Date().toISOString(), path: `/account/${n % 9}` }) });
  }
  await response.arrayBuffer();
  const cookie = /ep_sid=([^;]+)/.exec(response.headers.getSetCookie().join('\n'))?.[1];
  if (cookie !== undefined && sessions.length < 500) sessions.push(cookie);
  if (response.status < 400) {
    tally.acknowledged += 1;
    tally.byKind[kind] = (tally.byKind[kind] ?? 0) + 1;
  } else if (response.status === 503 && response.headers.get('retry-after') !== null) tally.refused += 1;
  else tally.errors += 1;
}

function storeClient(stack: StackProcess): DynamoDBClient {
  const endpoint = /DynamoDB: (http:\/\/[^)\s]+)/.exec(stack.output())?.[1];
  if (endpoint === undefined) throw new Error('the stack did not print its DynamoDB endpoint');
  return new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
}

/** Messages left in the local queue and its dead-letter queue (the local SQS keeps them in the store). */
async function queueLeft(stack: StackProcess): Promise<{ main: number; dlq: number }> {
  const client = storeClient(stack);
  const left = { main: 0, dlq: 0 };
  for await (const page of paginateScan({ client }, { TableName: 'edgeprint-local-queue', ProjectionExpression: '#q', ExpressionAttributeNames: { '#q': 'queue' } })) {
    for (const item of page.Items ?? []) left[item.queue?.S === 'dlq' ? 'dlq' : 'main'] += 1;
  }
  client.destroy();
  return left;
}

async function storedEvents(stack: StackProcess): Promise<number> {
  const client = storeClient(stack);
  let count = 0;
  for await (const page of paginateScan({ client }, { TableName: 'edgeprint-local', Select: 'COUNT', FilterExpression: '#t IN (:a, :b, :c, :d)', ExpressionAttributeNames: { '#t': 'type' }, ExpressionAttributeValues: { ':a': { S: 'session' }, ':b': { S: 'browser_event' }, ':c': { S: 'request_fingerprint' }, ':d': { S: 'activity' } } })) {
    count += page.Count ?? 0;
  }
  client.destroy();
  return count;
}

/** New-visitor writes only until `target` are acknowledged; resident memory at 2,000 and at the end. */
async function memoryRun(target: number): Promise<void> {
  const machine = machineInfo();
  const dataDir = mkdtempSync(join(tmpdir(), 'edgeprint-memory-'));
  const stack = await startStackProcess({ EDGEPRINT_DATA_DIR: dataDir, PORT: '0', EDGEPRINT_PROVIDERS: '{}' });
  let acknowledged = 0;
  let errors = 0;
  const marks: { writes: number; rss: number }[] = [];
  let next = 1000;
  const started = Date.now();
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (acknowledged < target) {
        const response = await fetch(`${stack.url}/v1/collect`, { method: 'POST', headers: { ...BROWSER_HEADERS, 'content-type': 'text/plain' }, body: JSON.stringify({ url: `https://${SITE}/m/${acknowledged % 100}` }) });
        await response.arrayBuffer();
        if (response.status === 204) acknowledged += 1;
        else errors += 1;
        if (acknowledged >= next) {
          marks.push({ writes: next, rss: rssMb(stack.child.pid!) });
          console.log(`${next} writes: RSS ${marks[marks.length - 1]!.rss} MB`);
          next += next < 2000 ? 1000 : 4000;
        }
      }
    }),
  );
  const seconds = (Date.now() - started) / 1000;
  stack.child.kill('SIGTERM');
  await exited(stack.child);
  rmSync(dataDir, { recursive: true, force: true });
  const at2000 = marks.find((mark) => mark.writes === 2000)?.rss ?? NaN;
  const last = marks[marks.length - 1]!;
  const summary = [
    `Memory run: ${target} new-visitor pageviews from ${CONNECTIONS} loops (${(acknowledged / seconds).toFixed(0)} writes/s, ${errors} errors), no provider; resident memory of \`npm start\` by writes acknowledged:`,
    '',
    '| writes | RSS MB |',
    '|---:|---:|',
    ...marks.map((mark) => `| ${mark.writes} | ${mark.rss} |`),
    '',
    `Growth from 2,000 to ${last.writes} writes: **${last.rss - at2000} MB** (goal: within 100 MB).`,
  ].join('\n');
  console.log(summary);
  writeSection(BENCHMARKS_FILE, 'memory', `## Memory under writes (SOAK_WRITES=${target} npm run soak, ${new Date().toISOString().slice(0, 10)})\n\n${machineTable(machine)}\n\n${summary}`);
}

async function main(): Promise<void> {
  if (WRITES !== undefined) return memoryRun(WRITES);
  const machine = machineInfo();
  const hook = receiver();
  await new Promise<void>((resolve) => hook.server.listen(0, '127.0.0.1', () => resolve()));
  const dataDir = mkdtempSync(join(tmpdir(), 'edgeprint-soak-'));
  const env = {
    EDGEPRINT_DATA_DIR: dataDir,
    PORT: '0',
    EDGEPRINT_API_KEY: API_KEY,
    EDGEPRINT_LOCAL_QUEUE_VISIBILITY_MS: '5000',
    EDGEPRINT_PROVIDERS: JSON.stringify({ webhook: { url: `http://127.0.0.1:${(hook.server.address() as AddressInfo).port}/hook`, secret: 'soak-webhook-secret-0123456789abcd' } }),
  };
  const tally: Tally = { acknowledged: 0, refused: 0, errors: 0, byKind: {} };
  const sessions: string[] = [];
  const samples: { at: number; rss: number; writes: number }[] = [];
  const started = Date.now();
  let stack = await startStackProcess(env);
  let running = true;
  let n = 0;
  const loops = Array.from({ length: CONNECTIONS }, async () => {
    while (running) {
      const current = stack;
      try {
        await oneRequest(current, n++, sessions, tally);
      } catch {
        // the stack is down (killed or stopping): wait for the restart
        while (running && stack === current) await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  });
  const writes = () => tally.acknowledged - (tally.byKind.hits ?? 0);
  const sampler = setInterval(() => {
    try {
      samples.push({ at: Math.round((Date.now() - started) / 1000), rss: rssMb(stack.child.pid!), writes: writes() });
    } catch {
      // between processes
    }
  }, 5000);
  const until = (fraction: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, started + SECONDS * 1000 * fraction - Date.now())));

  await until(0.4);
  stack.child.kill('SIGKILL');
  await exited(stack.child);
  console.log(`kill -9 at ${Math.round((Date.now() - started) / 1000)} s`);
  stack = await startStackProcess(env);

  await until(0.75);
  const termAt = Date.now();
  stack.child.kill('SIGTERM');
  const termCode = await exited(stack.child);
  const shutdownMs = Date.now() - termAt;
  console.log(`SIGTERM under load at ${Math.round((termAt - started) / 1000)} s: exit ${termCode} after ${shutdownMs} ms`);
  stack = await startStackProcess(env);

  await until(1);
  running = false;
  await Promise.all(loops);
  clearInterval(sampler);
  // Drain: the delivered count stops moving.
  let last = -1;
  while (hook.ids.size !== last) {
    last = hook.ids.size;
    await new Promise((resolve) => setTimeout(resolve, 8000));
  }
  const stored = await storedEvents(stack);
  const left = await queueLeft(stack);
  const delivered = hook.ids.size;
  const repeated = [...hook.ids.values()].filter((count) => count > 1).length;
  stack.child.kill('SIGTERM');
  await exited(stack.child);
  hook.server.close();
  rmSync(dataDir, { recursive: true, force: true });

  const rows = samples.map((sample) => `| ${sample.at} | ${sample.writes} | ${sample.rss} |`);
  const summary = [
    `Soak of ${SECONDS} s, ${CONNECTIONS} loops of mixed traffic (3/7 new-visitor pageviews, 1/7 returning pageviews, redirect page, /v1/hits, activity), kill -9 at 40 %, SIGTERM under load at 75 %, restarts on the same data.`,
    '',
    '| figure | value |',
    '|---|---:|',
    `| requests acknowledged (2xx/3xx) | ${tally.acknowledged} |`,
    `| of them writes (all but /v1/hits) | ${writes()} |`,
    `| refused with 503 + Retry-After while stopping | ${tally.refused} |`,
    `| other errors | ${tally.errors} |`,
    `| events stored (sessions, records, activity rows) | ${stored} |`,
    `| events delivered to the webhook (distinct ids) | ${delivered} |`,
    `| events delivered more than once | ${repeated} |`,
    `| messages left in the queue / dead-letter queue after the drain | ${left.main} / ${left.dlq} |`,
    `| SIGTERM under load: exit code, time to exit | ${termCode}, ${shutdownMs} ms |`,
    '',
    'Resident memory of the stack process (MB), sampled every 5 s (the process changes at the kill and the SIGTERM):',
    '',
    '| s | writes acknowledged | RSS MB |',
    '|---:|---:|---:|',
    ...rows,
  ].join('\n');
  console.log(summary);
  writeSection(BENCHMARKS_FILE, 'reliability', `## Reliability (npm run soak, ${new Date().toISOString().slice(0, 10)})\n\n${machineTable(machine)}\n\n${summary}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
