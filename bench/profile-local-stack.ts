import { writeFileSync } from 'node:fs';
import { Session, type Profiler } from 'node:inspector';
import { join } from 'node:path';
import { startLocalStack } from '../infra/local/local-stack';
import { runLoad, type LoadScenario } from './load';
import { BROWSER_HEADERS } from './traffic';

/**
 * A CPU profile of the local stack's main thread under load (issue 13): the stack in memory as the
 * bench runs it, autocannon in its worker thread (not profiled), the V8 profiler on the main thread
 * through node:inspector. Prints self time by part (dynalite, SDK, Node HTTP, our code, the consumer…)
 * and writes the .cpuprofile for DevTools.
 *   npx tsx bench/profile-local-stack.ts              new unique pageviews, 20 s
 *   PROFILE_SCENARIO=redirect PROFILE_SECONDS=10 …    the redirect page
 *   PROFILE_PAUSE_CONSUMER=true …                     the request path alone (the queue consumer paused)
 *   PROFILE_PHASE=drain …                             the consumer alone: load with it paused, then profile its drain
 */
const SCENARIOS: Record<string, LoadScenario> = {
  unique: {
    title: 'new unique pageviews',
    method: 'POST',
    path: '/v1/collect',
    headers: { ...BROWSER_HEADERS, 'content-type': 'text/plain;charset=UTF-8' },
    setupRequest: join(__dirname, 'unique-pageview-request.ts'),
  },
  redirect: { title: 'redirect page views', method: 'GET', path: `/v1/r?next=${encodeURIComponent('/some/page')}`, headers: BROWSER_HEADERS },
};

/** The part of the stack a profile node's code belongs to, by its script's path. */
export function partOf(url: string, functionName: string): string {
  if (functionName === '(garbage collector)') return 'GC';
  if (functionName === '(idle)') return 'idle';
  if (functionName === '(program)' || url === '') return 'V8/native (program)';
  if (/node_modules\/(dynalite|memory-level|abstract-level|level-|lazy|big\.js|functional-red-black-tree|module-error|catering)/.test(url)) return 'dynalite + its in-memory LevelDB';
  if (/node_modules\/(@aws-sdk|@smithy|@aws-crypto)/.test(url)) return 'AWS SDK (middleware, serialisation, SigV4)';
  if (/node_modules\/@aws-lambda-powertools/.test(url)) return 'Powertools';
  if (/node_modules\/(zod|valibot)/.test(url)) return 'validation (zod, valibot)';
  if (/node_modules\/(@middy)/.test(url)) return 'middy';
  if (/node_modules\/autocannon|node_modules\/hdr/.test(url)) return 'autocannon (main-thread side)';
  if (/node_modules\//.test(url)) return 'other packages';
  if (/layers\/core\/src\/(forwarding|aggregates|queue)\/|journaled-aggregate-store|infra\/local\/local-sqs/.test(url)) return 'the queue consumer (forwarder, aggregation, local queue)';
  if (/layers\/core\/src|functions\/|infra\/local\//.test(url)) return 'edgeprint request path (handlers, domain, store, local server)';
  if (/^node:(internal\/)?(http|_http|net|stream|internal\/streams|internal\/http|internal\/stream_base|dns|internal\/net|events|buffer|internal\/url|url)/.test(url) || /_http_|stream_base/.test(url)) return 'Node HTTP, sockets and streams';
  if (url.startsWith('node:')) return 'other Node internals';
  return 'other';
}

/** Self time per part, in percent of the busy (non-idle) samples. */
export function summarise(profile: Profiler.Profile): { part: string; percent: number }[] {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const counts = new Map<string, number>();
  let busy = 0;
  for (const id of profile.samples ?? []) {
    const node = byId.get(id);
    if (node === undefined) continue;
    const part = partOf(node.callFrame.url, node.callFrame.functionName);
    if (part === 'idle') continue;
    busy += 1;
    counts.set(part, (counts.get(part) ?? 0) + 1);
  }
  return [...counts.entries()].map(([part, count]) => ({ part, percent: (100 * count) / Math.max(1, busy) })).sort((a, b) => b.percent - a.percent);
}

async function main(): Promise<void> {
  const scenario = SCENARIOS[process.env.PROFILE_SCENARIO ?? 'unique'];
  if (scenario === undefined) throw new Error(`PROFILE_SCENARIO must be one of ${Object.keys(SCENARIOS).join(', ')}`);
  const seconds = Number(process.env.PROFILE_SECONDS ?? 20);
  process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';
  process.env.EDGEPRINT_REBUILD_SNIPPET ??= 'false';
  delete process.env.EDGEPRINT_DYNAMODB_ENDPOINT;
  const stack = await startLocalStack({ host: '127.0.0.1', port: 0, demo: false, env: { EDGEPRINT_DEBOUNCE_SECONDS: '3600' } });
  const drainPhase = process.env.PROFILE_PHASE === 'drain';
  if (process.env.PROFILE_PAUSE_CONSUMER === 'true' || drainPhase) stack.queue.pause();
  await runLoad(stack.url, scenario, { connections: 32, durationSeconds: drainPhase ? seconds : 2 });
  const session = new Session();
  session.connect();
  const post = <T>(method: string, params?: object) =>
    new Promise<T>((resolve, reject) => session.post(method, params ?? {}, (error, result) => (error === null ? resolve(result as T) : reject(error))));
  await post('Profiler.enable');
  await post('Profiler.setSamplingInterval', { interval: 500 });
  await post('Profiler.start');
  let summary: string;
  if (drainPhase) {
    const backlog = (await stack.queue.messages('main')).length;
    const started = Date.now();
    stack.queue.resume();
    await stack.queue.drain(600_000);
    const elapsed = (Date.now() - started) / 1000;
    summary = `consumer drain: ${backlog} events in ${elapsed.toFixed(1)} s = ${(backlog / elapsed).toFixed(1)} events/s`;
  } else {
    const result = await runLoad(stack.url, scenario, { connections: 32, durationSeconds: seconds });
    summary = `${scenario.title}: ${result.requestsPerSecond.toFixed(1)} req/s, non-2xx ${result.non2xx}, errors ${result.errors}`;
  }
  const { profile } = await post<{ profile: Profiler.Profile }>('Profiler.stop');
  session.disconnect();
  const file = join(process.env.PROFILE_DIR ?? '/tmp', `edgeprint-${process.env.PROFILE_SCENARIO ?? 'unique'}-${Date.now()}.cpuprofile`);
  writeFileSync(file, JSON.stringify(profile));
  const idle = (profile.samples ?? []).filter((id) => profile.nodes.find((node) => node.id === id)?.callFrame.functionName === '(idle)').length;
  console.log(`${summary}; main thread idle ${((100 * idle) / Math.max(1, profile.samples?.length ?? 1)).toFixed(1)} %; queue ${(await stack.queue.messages('main')).length} left`);
  console.log('| part | self time (of busy) |\n|---|---:|');
  for (const row of summarise(profile)) console.log(`| ${row.part} | ${row.percent.toFixed(1)} % |`);
  console.log(`profile: ${file}`);
  stack.queue.resume();
  await stack.queue.drain(600_000);
  await stack.close();
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
