import { relative } from 'node:path';
import { ensureTable, startEmbeddedDynamo } from '../infra/local/embedded-dynamodb';
import { aggregateBatch, type AggregateStore } from '../layers/core/src/aggregates/aggregate-batch';
import type { ForwardEvent } from '../layers/core/src/forwarding/event';
import { createTableContext } from '../layers/core/src/store/client';
import { dynamoAggregateStore } from '../layers/core/src/store/dynamo-aggregate-store';
import { createCapacityMeter } from '../test/helpers/capacity';
import { AGENTS } from '../test/helpers/aggregate-traffic';
import { forwardEvent } from '../test/helpers/forward-event-factory';
import { seededRandom } from '../test/helpers/provider-stub';
import { FORWARDER_BATCH } from '../infra/lib/constructs/queue-to-forwarder';
import { installedVersion, machineInfo, type MachineInfo } from './machine';
import { BENCHMARKS_FILE, writeSection } from './report';

/** The goal of issues 8 and 13: at most 1 write unit per event, amortised over all aggregates, with the deployed batching. */
export const WRITE_UNIT_GOAL = 1;
/** How the event source mapping cuts the queue into batches: at `batchSize` messages or when the batching window ends, whichever comes first (cutBatches). */
export interface Batching {
  readonly batchSize: number;
  readonly windowSeconds: number;
  /** Pollers sharing the queue, each cutting its own batches (messages dealt to them in turn). @default 1 */
  readonly pollers?: number;
}

/** The forwarder's deployed batching (infra/lib/constructs/queue-to-forwarder.ts); EDGEPRINT_BENCH_BATCH and EDGEPRINT_BENCH_WINDOW override it. */
const DEPLOYED: Batching = {
  batchSize: Number(process.env.EDGEPRINT_BENCH_BATCH ?? FORWARDER_BATCH.batchSize),
  windowSeconds: Number(process.env.EDGEPRINT_BENCH_WINDOW ?? FORWARDER_BATCH.maxBatchingWindowSeconds),
};

/** The (batch size, window) pairs of the comparison table. */
export const BATCHINGS: readonly Batching[] = [
  { batchSize: 100, windowSeconds: 5 },
  { batchSize: 500, windowSeconds: 10 },
  { batchSize: 1000, windowSeconds: 20 },
  { batchSize: 1000, windowSeconds: 60 },
  { batchSize: 1000, windowSeconds: 90 },
  { batchSize: 1000, windowSeconds: 120 },
  { batchSize: 1000, windowSeconds: 300 },
];

/** Lambda's pollers on an SQS queue at first (and at low traffic): "starting at five concurrent batches". */
export const POLLERS = 5;

/** A batch and the moment it is handed to the forwarder: when it is full, else when its window ends. */
interface Batch {
  readonly events: readonly ForwardEvent[];
  readonly invokedAt: number;
}

/**
 * Cuts events (in arrival order) into batches as one poller of an SQS event source mapping does
 * (AWS Lambda developer guide, "How Lambda processes records from stream and queue-based event
 * sources"): it gathers records until the batch holds `batchSize` or the batching window ends, and
 * for SQS "the next batching window begins as soon as the previous function invocation completes"
 * (taken here as the moment the batch is handed over; a window with no record invokes nothing and
 * the next one begins). Lambda polls a queue with several pollers (five at first), which can only
 * split the same events into more, smaller batches: this is the cheapest case.
 * @example cutBatches(events, { batchSize: 100, windowSeconds: 5 })
 */
export function cutBatches(events: readonly ForwardEvent[], batching: Batching): Batch[] {
  const pollers = batching.pollers ?? 1;
  if (pollers > 1) {
    // Each poller receives every pollers-th message and cuts its own batches; the function sees them in hand-over order.
    const streams = Array.from({ length: pollers }, (_, poller) => events.filter((_event, index) => index % pollers === poller));
    return streams.flatMap((stream) => cutBatches(stream, { ...batching, pollers: 1 })).sort((a, b) => a.invokedAt - b.invokedAt);
  }
  const window = batching.windowSeconds * 1000;
  const batches: Batch[] = [];
  let current: ForwardEvent[] = [];
  let opened: number | undefined;
  for (const event of events) {
    const at = Date.parse(event.at);
    opened ??= at;
    if (current.length > 0 && at > opened + window) {
      batches.push({ events: current, invokedAt: opened + window });
      current = [];
      opened += window;
    }
    // Empty windows pass without an invocation.
    if (current.length === 0 && at > opened + window) opened += Math.floor((at - opened) / window) * window;
    current.push(event);
    if (current.length === batching.batchSize) {
      batches.push({ events: current, invokedAt: at });
      current = [];
      opened = at;
    }
  }
  if (current.length > 0) batches.push({ events: current, invokedAt: opened! + window });
  return batches;
}

const PAGES = ['/', '/pricing', '/docs', '/blog/a', '/blog/b', '/blog/c', '/about', '/contact', '/signup', '/changelog'];

/** A day of one or more sites: sessions arriving at random, each a few pageviews some seconds apart. */
interface Scenario {
  readonly name: string;
  /** Mean seconds between two sessions starting: with the session length, how many are under way at once. */
  readonly arrivalSeconds: number;
  readonly sessions: number;
  readonly sites: number;
}

export const SCENARIOS: readonly Scenario[] = [
  { name: 'quiet site (about 1 session at a time)', arrivalSeconds: 240, sessions: 400, sites: 1 },
  { name: 'moderate site (about 10 sessions at a time)', arrivalSeconds: 12, sessions: 400, sites: 1 },
  { name: 'busy site (about 100 sessions at a time)', arrivalSeconds: 1.2, sessions: 400, sites: 1 },
  { name: 'busy, three sites on one queue', arrivalSeconds: 1.2, sessions: 400, sites: 3 },
];

/** Events of a scenario in arrival order: what the queue hands the forwarder, a batch at a time. */
function simulate(scenario: Scenario, seed: number): ForwardEvent[] {
  const random = seededRandom(seed);
  const start = Date.parse(`${new Date().toISOString().slice(0, 10)}T00:00:00.000Z`);
  const events: ForwardEvent[] = [];
  let clock = 0;
  for (let index = 0; index < scenario.sessions; index += 1) {
    clock += -Math.log(1 - random()) * scenario.arrivalSeconds;
    // A fifth of the sessions are returning browsers: a visitorId seen in an earlier session.
    const visitor = index > 10 && random() < 0.2 ? Math.floor(random() * index) : index;
    const site = `site${visitor % scenario.sites}.example`;
    const agent = AGENTS[visitor % AGENTS.length]!;
    const views = 1 + Math.floor(random() * 6);
    let at = clock;
    // Each session is a new cookie set at its first event (a returning visitorId comes back with a new one).
    const sessionStartedAt = new Date(start + Math.min(at, 86_000) * 1000).toISOString();
    for (let view = 0; view < views; view += 1) {
      const path = PAGES[Math.floor(random() * PAGES.length)]!;
      const landing = view === 0 && random() < 0.3 ? '?utm_campaign=spring&utm_source=news' : '';
      events.push(
        forwardEvent({
          url: `https://${site}${path}${landing}`,
          referrer: view === 0 && random() < 0.5 ? 'https://news.example/' : undefined,
          sessionId: `s${index}`,
          sessionStartedAt,
          visitorId: `v${visitor}`,
          requestFingerprint: `fp${visitor}`,
          userAgent: agent.ua,
          country: ['DE', 'FR', 'US', 'JP'][visitor % 4],
          at: new Date(start + Math.min(at, 86_000) * 1000).toISOString(),
        }),
      );
      if (random() < 0.15) events.push(forwardEvent({ kind: 'event', name: 'signup', url: `https://${site}${path}`, sessionId: `s${index}`, sessionStartedAt, visitorId: `v${visitor}`, at: new Date(start + Math.min(at + 1, 86_000) * 1000).toISOString() }));
      at += 10 + random() * 80;
    }
  }
  return events.sort((a, b) => a.at.localeCompare(b.at));
}

export interface ScenarioResult {
  readonly scenario: Scenario;
  readonly events: number;
  readonly batches: number;
  readonly sessionGroupsPerBatch: number;
  readonly markerUnits: number;
  readonly counterUnits: number;
  readonly counterWrites: number;
  /** Size of the largest day-counters item at the end, in KB (the write units its last update cost). */
  readonly largestDayItemKb: number;
  readonly totalUnits: number;
  readonly unitsPerEvent: number;
  readonly redeliveryUnitsPerEvent: number;
  /** Issue 14's returning-device markers, units per event (0 in the `before` run). */
  readonly deviceUnitsPerEvent: number;
  readonly deviceWrites: number;
  /** Visitor-day marker claims (W15), 1 write unit each. */
  readonly visitorWrites: number;
  /** Seconds an event waits in the batching window before its batch is handed over: mean and largest. */
  readonly meanWaitSeconds: number;
  readonly maxWaitSeconds: number;
}

/** Counters issue 14 added to the day item: hourly points, entry pages, returning devices. */
const ISSUE_14_COUNTER = /^(h[pv]\d\d|n:.*|r[cvf]|t\d{4})$/s;

/**
 * `after`: the aggregation as it is. `before`: the same code without what issue 14 added (no
 * device markers, and the day item without its new counters), which is what the aggregation wrote
 * before (but for the session marker's few bytes of `lm`), measured on the same traffic in the same run.
 */
export type BenchMode = 'before' | 'after';

async function runScenario(endpoint: string, scenario: Scenario, index: number, mode: BenchMode, batching: Batching, redeliver = true): Promise<ScenarioResult> {
  const tableName = `edgeprint-bench-aggregates-${index}-${mode}-${batching.batchSize}-${batching.windowSeconds}-${batching.pollers ?? 1}${redeliver ? '' : '-alone'}`;
  await ensureTable(endpoint, tableName, 'us-east-1');
  // Two clients, each with its own meter: the markers' writes apart from the counters' (and the site listing's).
  const markerTable = createTableContext({ tableName, region: 'us-east-1', endpoint });
  const counterTable = createTableContext({ tableName, region: 'us-east-1', endpoint });
  const markerMeter = createCapacityMeter();
  const counterMeter = createCapacityMeter();
  markerMeter.attach(markerTable.client);
  counterMeter.attach(counterTable.client);
  // And one for issue 14's device markers.
  const deviceTable = createTableContext({ tableName, region: 'us-east-1', endpoint });
  const deviceMeter = createCapacityMeter();
  deviceMeter.attach(deviceTable.client);
  const { claimDevice: _device, visitorSeenBefore: _seen, ...markers } = dynamoAggregateStore(markerTable);
  const counters = dynamoAggregateStore(counterTable);
  const devices = dynamoAggregateStore(deviceTable);
  let groups = 0;
  let deviceWrites = 0;
  let visitorWrites = 0;
  const store: AggregateStore = {
    ...markers,
    claimSession: (group, now) => {
      groups += 1;
      return markers.claimSession(group, now);
    },
    claimVisitor: (group, token) => {
      visitorWrites += 1;
      return markers.claimVisitor(group, token);
    },
    addDayCounters:
      mode === 'after'
        ? counters.addDayCounters
        : (site, day, increments, latestAt) => counters.addDayCounters(site, day, new Map([...increments].filter(([name]) => !ISSUE_14_COUNTER.test(name))), latestAt),
    touchSite: counters.touchSite,
    ...(mode === 'after'
      ? {
          claimDevice: (site: string, deviceHash: string, sessionHash: string, now: Date) => {
            deviceWrites += 1;
            return devices.claimDevice!(site, deviceHash, sessionHash, now);
          },
          visitorSeenBefore: devices.visitorSeenBefore,
        }
      : {}),
  };
  const events = simulate(scenario, 1000 + index);
  const log = () => undefined;
  // Live processing: each batch is aggregated 2 s after it is handed over, so its recent events are realtime.
  const cut = cutBatches(events, batching);
  const nowOf = (batch: Batch) => () => new Date(batch.invokedAt + 2000);
  for (const batch of cut) {
    const failures = await aggregateBatch(batch.events, { store, log, now: nowOf(batch) });
    if (failures.size > 0) throw new Error(`aggregation failed for ${failures.size} events`);
  }
  const batches = cut.length;
  const waits = cut.flatMap((batch) => batch.events.map((event) => (batch.invokedAt - Date.parse(event.at)) / 1000));
  const firstGroups = groups;
  const firstVisitorWrites = visitorWrites;
  const counterOps = counterMeter.operations.filter((op) => op.kind === 'write' && op.operation === 'UpdateItem');
  const largest = Math.max(...counterOps.map((op) => op.units));
  const markerUnits = markerMeter.writeUnits;
  const counterUnits = counterMeter.writeUnits;
  const deviceUnits = deviceMeter.writeUnits;
  // A redelivery of the whole day, batch by batch: what at-least-once delivery costs when it happens.
  markerMeter.reset();
  counterMeter.reset();
  deviceMeter.reset();
  if (redeliver) for (const batch of cut) await aggregateBatch(batch.events, { store, log, now: nowOf(batch) });
  const redelivery = markerMeter.writeUnits + counterMeter.writeUnits + deviceMeter.writeUnits;
  for (const table of [markerTable, counterTable, deviceTable]) table.client.destroy();
  return {
    scenario,
    events: events.length,
    batches,
    sessionGroupsPerBatch: firstGroups / batches,
    markerUnits,
    counterUnits,
    counterWrites: counterOps.length,
    largestDayItemKb: largest,
    totalUnits: markerUnits + counterUnits + deviceUnits,
    unitsPerEvent: (markerUnits + counterUnits + deviceUnits) / events.length,
    redeliveryUnitsPerEvent: redelivery / events.length,
    deviceUnitsPerEvent: deviceUnits / events.length,
    deviceWrites,
    visitorWrites: firstVisitorWrites,
    meanWaitSeconds: waits.reduce((sum, wait) => sum + wait, 0) / waits.length,
    maxWaitSeconds: Math.max(...waits),
  };
}

export interface AggregatesBenchResult {
  readonly measuredAt: Date;
  readonly machine: MachineInfo;
  readonly dynalite: string;
  readonly results: readonly ScenarioResult[];
  /** The same scenarios without issue 14's additions (see BenchMode). */
  readonly before: readonly ScenarioResult[];
  /** Units per event of each scenario (same order) for each of BATCHINGS, with one poller and with POLLERS. */
  readonly batchings: readonly { readonly batching: Batching; readonly results: readonly ScenarioResult[]; readonly spread: readonly ScenarioResult[] }[];
}

/** Issue 14's budget: everything it added may cost at most this many more write units per event. */
export const ISSUE_14_BUDGET = 0.2;

/**
 * Write units of the aggregation per event with the deployed batch size, for a few traffic shapes, on
 * the embedded dynalite (which reports capacity as DynamoDB does: 1 unit per KB of the larger of
 * the old and new item). Not a test: nothing here passes or fails.
 * @example const result = await measureAggregates()
 */
export async function measureAggregates(): Promise<AggregatesBenchResult> {
  const measuredAt = new Date();
  const machine = machineInfo();
  const dynamo = await startEmbeddedDynamo();
  const results: ScenarioResult[] = [];
  const before: ScenarioResult[] = [];
  const batchings: { batching: Batching; results: ScenarioResult[]; spread: ScenarioResult[] }[] = [];
  try {
    for (const [index, scenario] of SCENARIOS.entries()) {
      before.push(await runScenario(dynamo.endpoint, scenario, index, 'before', DEPLOYED));
      results.push(await runScenario(dynamo.endpoint, scenario, index, 'after', DEPLOYED));
    }
    for (const batching of BATCHINGS) {
      const rows: ScenarioResult[] = [];
      const spread: ScenarioResult[] = [];
      for (const [index, scenario] of SCENARIOS.entries()) {
        rows.push(await runScenario(dynamo.endpoint, scenario, index, 'after', batching, false));
        spread.push(await runScenario(dynamo.endpoint, scenario, index, 'after', { ...batching, pollers: POLLERS }, false));
      }
      batchings.push({ batching, results: rows, spread });
    }
  } finally {
    await dynamo.close();
  }
  return { measuredAt, machine, dynalite: installedVersion('dynalite'), results, before, batchings };
}

const fixed = (value: number, digits = 2) => value.toFixed(digits);

export function renderAggregatesSection(result: AggregatesBenchResult): string {
  const rows = result.results.map(
    (row) =>
      `| ${row.scenario.name} | ${row.events} | ${row.batches} | ${fixed(row.sessionGroupsPerBatch, 1)} | ${fixed(row.markerUnits / row.events)} (${fixed(row.visitorWrites / row.events)}) | ${fixed(row.counterUnits / row.events)} (${row.counterWrites} writes, item up to ${row.largestDayItemKb} KB) | **${fixed(row.unitsPerEvent)}** | ${row.unitsPerEvent <= WRITE_UNIT_GOAL ? 'met' : 'missed'} | ${fixed(row.redeliveryUnitsPerEvent)} |`,
  );
  const goalScenarios = result.results.slice(1);
  const missed = goalScenarios.filter((row) => row.unitsPerEvent > WRITE_UNIT_GOAL);
  const meets = (rows: readonly ScenarioResult[]) => rows.slice(1).every((row) => row.unitsPerEvent <= WRITE_UNIT_GOAL);
  const batchingRows = result.batchings.map(
    ({ batching, results, spread }) =>
      `| ${batching.batchSize} / ${batching.windowSeconds} s | ${results.map((row, index) => `${fixed(row.unitsPerEvent)} (${Math.round(row.events / row.batches)}) / ${fixed(spread[index]!.unitsPerEvent)}`).join(' | ')} | ${fixed(Math.max(...results.map((row) => row.meanWaitSeconds)), 1)} s / ${fixed(Math.max(...results.map((row) => row.maxWaitSeconds)), 0)} s | ${meets(results) ? 'met' : 'missed'} / ${meets(spread) ? 'met' : 'missed'} |`,
  );
  const deployedSpread = result.batchings.find(({ batching }) => batching.batchSize === DEPLOYED.batchSize && batching.windowSeconds === DEPLOYED.windowSeconds)?.spread;
  const { machine } = result;
  return `## Aggregates (issue 8)

Measured ${result.measuredAt.toISOString().replace('T', ' ').slice(0, 19)} UTC by \`npx tsx bench/aggregates.ts\` (\`measureAggregates()\`), on
${machine.cpuModel}, ${machine.cores} cores, Node ${machine.node}, dynalite ${result.dynalite} in memory. Write units are what
dynalite reports (1 per KB of the larger of the old and new item, as DynamoDB charges), summed by
\`test/helpers/capacity.ts\`; a failed conditional write would count 1 (the aggregation makes none).

Each scenario is one UTC day of ${SCENARIOS[0]!.sessions} sessions (1 to 6 pageviews each, 10 to 90 s apart, a custom event on 15% of
pages, a fifth of the sessions from returning visitorIds), the events in arrival order. **Batches are cut
as the deployed event source mapping cuts them** (\`cutBatches()\`): a batch closes when it holds
${DEPLOYED.batchSize} messages or when its batching window of ${DEPLOYED.windowSeconds} s ends, whichever comes first; for SQS "the next
batching window begins as soon as the previous function invocation completes" (Lambda developer guide,
"How Lambda processes records from stream and queue-based event sources"; \`FORWARDER_BATCH\` in
infra/lib/constructs/queue-to-forwarder.ts). Each batch is aggregated 2 s after it is handed over. That is
one poller's view: Lambda polls a queue with several pollers at once, which can only split the same
events into more, smaller batches, so these figures are the lower bound of what AWS would bill for
this traffic (the next table shows five pollers too).
*Groups per batch*: distinct (site, day, session) in a batch, each one marker write.

| traffic | events | batches | groups per batch | markers, units per event (of it visitor markers) | day counters, units per event | **all aggregates, units per event** | goal (≤ ${WRITE_UNIT_GOAL}) | redelivered again, units per event |
|---|---:|---:|---:|---:|---:|---:|---|---:|
${rows.join('\n')}

The cost per batch is one marker write per session in the batch, one more the first time a visitorId
shows up in a session that day (the visitor marker, which returning devices also read), and one
counter write per (site, day) in the batch, sized by that day item. ${missed.length === 0 ? `**The goal of at most 1 write unit per event is met on the moderate, busy and three-site traffic with the deployed batching, when one poller gathers each batch**` : `**The goal of at most 1 write unit per event is missed on ${missed.map((row) => `${row.scenario.name.split(' (')[0]} (${fixed(row.unitsPerEvent)})`).join(', ')} with the deployed batching, even when one poller gathers each batch**`}${deployedSpread === undefined ? '.' : `; with ${POLLERS} pollers sharing the queue evenly it is ${deployedSpread.slice(1).map((row) => fixed(row.unitsPerEvent)).join(', ')} (below).`}
A redelivered batch costs its marker writes only (last column): nothing is counted twice.

### Batch size and window

Units per event of the same days for other settings of the event source mapping (up to 10,000
messages per batch on a standard queue, and a window of up to 300 s: the Lambda developer guide,
"Lambda parameters for Amazon SQS event source mappings"). Each cell: one poller (events per batch in
brackets) / ${POLLERS} pollers, each given every ${POLLERS}th message and cutting its own batches (Lambda starts polling
a standard queue with five concurrent batches; how evenly its pollers share a quiet queue is not
documented, so the truth lies between the two). *Wait* is how long an event sits in the window before
its batch is handed over (one poller; mean of the worst scenario / largest): what the setting adds to
the lag of the dashboard and of \`/v1/hits\`, on top of the stream, the pipe and the aggregation.

| batch size / window | ${SCENARIOS.map((scenario) => scenario.name.split(' (')[0]).join(' | ')} | wait, mean / max | goal on moderate, busy, three sites (1 / ${POLLERS} pollers) |
|---|${SCENARIOS.map(() => '---:').join('|')}|---:|---|
${batchingRows.join('\n')}

What sets the floor: every batch writes each of its sessions' markers once (and each new visitorId's
once a day). That write is what keeps the counts exact: it is the idempotency record of the session's
events and the unique test of its pages and of the session itself. A session's events that fall into
k batches cost k marker writes, so the cost per event only falls when a batch holds several events of
the same session, that is when the window is long next to the seconds between a visitor's pageviews
(10 to 90 s here); pollers that share the queue split a session's events over more batches again. A
quiet site gains little from any window: its batches are cut by the window long before they fill, and
the day item is written once per batch. What would lower it: a consumer that gathers one batch at a
time (the one-poller figures; a stream read with one batch per shard, such as the table's own DynamoDB
stream, does that, while an SQS event source does not promise it), or approximate unique counts
(sketches in the day item instead of markers), which would no longer agree exactly with \`/v1/hits\`.
Keying one marker per visitor instead of per session and visitor was measured (the visitor markers'
share is in the first table) and not built, because it is not exact (docs/decisions.md, 57).

### What the dashboard of issue 14 adds

Same run, same traffic, deployed batching: *before* is the aggregation without issue 14's additions (no
returning-device check, no hourly, entry-page, returning-device or realtime minute counters on the day
item), *after* is the aggregation as it is. Hourly points, entry pages, returning devices and the realtime
count ride on writes the aggregation makes anyway (the session marker, the visitor marker and the day
item). A new cookie whose visitorId is new that day is recognised as a returning device by one read of
the visitor's earlier day markers (a Query, 1 read unit), not a write; only a new cookie without a
visitorId (the redirect page, the edge) writes a device marker keyed by its request fingerprint, and
every session here has a visitorId. The visitor marker's own cost does not change (it lives 90 days
instead of 22, which costs storage, not writes).

| traffic | before, units per event | after, units per event | **increase** (budget ≤ ${ISSUE_14_BUDGET}) | of it, device markers (writes) | markers, before → after | day counters, before → after |
|---|---:|---:|---:|---:|---:|---:|
${result.results
  .map((row, index) => {
    const old = result.before[index]!;
    const increase = row.unitsPerEvent - old.unitsPerEvent;
    return `| ${row.scenario.name} | ${fixed(old.unitsPerEvent)} | ${fixed(row.unitsPerEvent)} | **${fixed(increase)}** ${increase <= ISSUE_14_BUDGET + 1e-9 ? 'met' : 'missed'} | ${fixed(row.deviceUnitsPerEvent)} (${row.deviceWrites}) | ${fixed(old.markerUnits / old.events)} → ${fixed(row.markerUnits / row.events)} | ${fixed(old.counterUnits / old.events)} → ${fixed(row.counterUnits / row.events)} (item up to ${old.largestDayItemKb} → ${row.largestDayItemKb} KB) |`;
  })
  .join('\n')}`;
}

/** Runs the benchmark and writes its section of docs/benchmarks.md. */
export async function runAggregatesBench(): Promise<AggregatesBenchResult> {
  process.stdout.write(`aggregates: ${SCENARIOS.length} scenarios at ${DEPLOYED.batchSize} messages / ${DEPLOYED.windowSeconds} s … `);
  const result = await measureAggregates();
  process.stdout.write(`${result.results.map((row) => `${fixed(row.unitsPerEvent)}`).join(', ')} write units per event\n`);
  writeSection(BENCHMARKS_FILE, 'aggregates', renderAggregatesSection(result));
  console.log(`wrote the "Aggregates (issue 8)" section of ${relative(process.cwd(), BENCHMARKS_FILE)}`);
  return result;
}

if (require.main === module) {
  runAggregatesBench().catch((error: unknown) => {
    console.error(`aggregates benchmark failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exitCode = 1;
  });
}
