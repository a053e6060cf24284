import { randomUUID } from 'node:crypto';
import { DynamoDBClient, paginateScan, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ensureTable, startEmbeddedDynamo } from '../infra/local/embedded-dynamodb';
import { firstTouch } from '../layers/core/src/domain/attribution';
import { requestFingerprint } from '../layers/core/src/domain/fingerprint';
import { storedIp } from '../layers/core/src/domain/ip';
import { recordVisit, type RecordVisitInput, type RecordVisitOutcome } from '../layers/core/src/domain/record-visit';
import type { EventStore, PageEventRecord, RequestRecord } from '../layers/core/src/domain/records';
import { requestSignals } from '../layers/core/src/domain/request-signals';
import { newSessionId } from '../layers/core/src/domain/session-id';
import { dynamoEventStore } from '../layers/core/src/store/dynamo-event-store';
import { incrementHitCounter } from '../layers/core/src/store/hits/increment-hit-counter';
import type { TableContext } from '../layers/core/src/store/client';
import { createCapacityMeter, type CapacityMeter, type MeteredOperation } from '../test/helpers/capacity';
import { BROWSER_HEADERS, VISITOR_ID } from './traffic';

/** The default window (`EDGEPRINT_DEBOUNCE_SECONDS`). */
export const WRITE_UNIT_DEBOUNCE_SECONDS = 10;
const RETENTION_DAYS = 395;
const CLIENT_IP = '203.0.113.7';
const ORIGIN = 'http://127.0.0.1:3000';

/** The average cost of one request type, measured over `samples` domain calls. */
export interface WriteUnitRow {
  readonly requestType: string;
  /** What the endpoint does for it, in domain terms. */
  readonly path: string;
  readonly samples: number;
  readonly writeUnits: number;
  readonly readUnits: number;
  /** Of the write units, how many were failed conditions (counted 1 each, see capacity.ts). */
  readonly conditionalFailures: number;
  /** Calls per request, e.g. `UpdateItem ×2 (2 WU), PutItem ×1 (1 WU)`. */
  readonly operations: string;
  /** Successful operations the endpoint answered without ConsumedCapacity (should be 0). */
  readonly unmetered: number;
  readonly budget?: number;
  /** Samples whose outcome was not the expected one (should be 0). */
  readonly unexpected: number;
}

interface Sample {
  readonly sessionId: string;
  readonly url: string;
}

type Expectation = (outcome: RecordVisitOutcome | undefined) => boolean;

const recordedWithHit: Expectation = (o) => o?.recorded === true && o.hitCounted;
const recordedNoHit: Expectation = (o) => o?.recorded === true && !o.hitCounted;
const debounced: Expectation = (o) => o?.recorded === false;

/** Sizes of the stored items of one type, by DynamoDB's rule (names plus values; 1 write unit per started KB). */
export interface ItemSizeRow {
  readonly itemType: string;
  readonly items: number;
  readonly averageBytes: number;
  readonly maxBytes: number;
}

export interface WriteUnitReport {
  readonly rows: WriteUnitRow[];
  readonly itemSizes: ItemSizeRow[];
}

/**
 * Measures the write units of each request type through the domain (`recordVisit` and the
 * DynamoDB store) on its own in-memory dynalite, with consumed capacity metered on the SDK client.
 * Records carry the same browser headers as the load runs, so item sizes match.
 * @example const { rows, itemSizes } = await measureWriteUnits(50)
 */
export async function measureWriteUnits(samples: number): Promise<WriteUnitReport> {
  const dynamo = await startEmbeddedDynamo();
  const tableName = 'edgeprint-bench-units';
  await ensureTable(dynamo.endpoint, tableName, 'us-east-1');
  const client = new DynamoDBClient({
    endpoint: dynamo.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const meter = createCapacityMeter();
  meter.attach(client);
  const table = { client: DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } }), tableName };
  const store = dynamoEventStore(table, RETENTION_DAYS);
  try {
    const rows = await measureAll(store, meter, samples, table);
    return { rows, itemSizes: await itemSizes(client, tableName) };
  } finally {
    client.destroy();
    await dynamo.close();
  }
}

async function measureAll(store: EventStore, meter: CapacityMeter, samples: number, table: TableContext): Promise<WriteUnitRow[]> {
  /** The request's writes plus the one the queue consumer makes for it downstream (its hit counter). */
  const withConsumer = async (outcome: Promise<RecordVisitOutcome>): Promise<RecordVisitOutcome> => {
    const done = await outcome;
    if (done.recorded && done.stored.hit !== undefined) await incrementHitCounter(table, done.stored.hit);
    return done;
  };
  const t0 = Date.now();
  const at = (seconds: number) => new Date(t0 + seconds * 1000);
  // Urls shaped like the load run's (bench/unique-pageview-request.ts), so item sizes match.
  const firstViews: Sample[] = Array.from({ length: samples }, () => {
    const sessionId = newSessionId();
    return { sessionId, url: `https://site.example/articles/${sessionId}` };
  });
  const rows: WriteUnitRow[] = [];
  const measure = async (
    row: Omit<WriteUnitRow, 'samples' | 'writeUnits' | 'readUnits' | 'conditionalFailures' | 'operations' | 'unmetered' | 'unexpected'>,
    run: (sample: Sample) => Promise<RecordVisitOutcome | undefined>,
    expected: Expectation,
  ): Promise<void> => {
    meter.reset();
    const operations: MeteredOperation[] = [];
    let writeUnits = 0;
    let readUnits = 0;
    let unexpected = 0;
    for (const sample of firstViews) {
      const measured = await meter.measure(() => run(sample));
      if (!expected(measured.result)) unexpected += 1;
      writeUnits += measured.writeUnits;
      readUnits += measured.readUnits;
      operations.push(...measured.operations);
    }
    rows.push({
      ...row,
      samples,
      writeUnits: writeUnits / samples,
      readUnits: readUnits / samples,
      conditionalFailures: meter.conditionalFailures / samples,
      operations: describeOperations(operations, samples),
      unmetered: meter.unmetered,
      unexpected,
    });
  };

  await measure(
    { requestType: 'New unique pageview (new session)', path: 'collect: gate, session item with the first record; consumer: hit counter', budget: 3 },
    (sample) => withConsumer(recordVisit(store, pageview(sample, at(0), true))),
    recordedWithHit,
  );
  await measure(
    { requestType: 'New url for an existing session', path: 'collect: session read, gate, record; consumer: hit counter', budget: 3 },
    (sample) => withConsumer(recordVisit(store, pageview({ ...sample, url: `${sample.url}/next` }, at(1), false))),
    recordedWithHit,
  );
  await measure(
    { requestType: `Repeat pageview inside the debounce window (${WRITE_UNIT_DEBOUNCE_SECONDS} s)`, path: 'collect: session read, gate refused', budget: 1 },
    (sample) => recordVisit(store, pageview(sample, at(2), false)),
    debounced,
  );
  await measure(
    { requestType: 'Repeat pageview after the window', path: 'collect: session read, gate, record (no new hit)' },
    (sample) => recordVisit(store, pageview(sample, at(WRITE_UNIT_DEBOUNCE_SECONDS + 1), false)),
    recordedNoHit,
  );
  await measure(
    { requestType: 'Custom event (existing session)', path: 'collect: session read, record (never debounced)' },
    (sample) => recordVisit(store, customEvent(sample, at(WRITE_UNIT_DEBOUNCE_SECONDS + 2))),
    recordedNoHit,
  );
  await measure(
    { requestType: 'Redirect page view (new session)', path: 'redirect: gate on the target, session item; consumer: hit counter', budget: 3 },
    () => withConsumer(recordVisit(store, redirectView(newSessionId(), '/some/page', at(0)))),
    recordedWithHit,
  );
  await measure(
    { requestType: 'Activity post (existing session)', path: 'activity: session read, activity row' },
    async (sample) => {
      // What logActivity does: read the session for its user, then store the row.
      const session = await store.getSession(sample.sessionId);
      await store.putActivity({
        eventId: randomUUID(),
        at: at(3),
        date: at(3).toISOString(),
        path: new URL(sample.url).pathname,
        referer: BROWSER_HEADERS.referer,
        sessionId: sample.sessionId,
        userId: session?.userId,
        ip: storedIp(CLIENT_IP, 'truncated'),
        userAgent: BROWSER_HEADERS['user-agent'],
      });
      return undefined;
    },
    () => true,
  );
  return rows;
}

// dynalite's own size function: the one it bills ConsumedCapacity by, written after DynamoDB's rule.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { itemSize } = require('dynalite/db') as { itemSize(item: Record<string, AttributeValue>): number };

/** Sizes per item type (a session item is named after the record it embeds). */
async function itemSizes(client: DynamoDBClient, tableName: string): Promise<ItemSizeRow[]> {
  const sizes = new Map<string, number[]>();
  for await (const page of paginateScan({ client }, { TableName: tableName })) {
    for (const item of page.Items ?? []) {
      const first = item.first?.M?.type?.S;
      const name = `${item.type?.S ?? 'unknown'}${first === undefined ? '' : ` (first record: ${first})`}`;
      sizes.set(name, [...(sizes.get(name) ?? []), itemSize(item)]);
    }
  }
  return [...sizes.entries()]
    .map(([itemType, bytes]) => ({
      itemType,
      items: bytes.length,
      averageBytes: Math.round(bytes.reduce((sum, size) => sum + size, 0) / bytes.length),
      maxBytes: Math.max(...bytes),
    }))
    .sort((a, b) => a.itemType.localeCompare(b.itemType));
}

/** Signals and fingerprint exactly as `beginVisit` derives them for the benchmark's browser. */
function fingerprinted() {
  const full = requestSignals(BROWSER_HEADERS, CLIENT_IP);
  return {
    signals: { ...full, ip: storedIp(CLIENT_IP, 'truncated') },
    fingerprint: requestFingerprint(full, 'bench-secret-bench-secret-bench'),
    gpc: false,
  };
}

function pageEvent(sample: Sample, when: Date, event: string): PageEventRecord {
  return {
    kind: 'event',
    eventId: randomUUID(),
    sessionId: sample.sessionId,
    at: when,
    url: sample.url,
    event,
    visitorId: VISITOR_ID,
    confidence: 0.6,
    referrer: 'https://search.example/?q=edgeprint',
    title: 'An article on site.example',
    ...fingerprinted(),
  };
}

function pageview(sample: Sample, when: Date, sessionIsNew: boolean): RecordVisitInput {
  return {
    record: pageEvent(sample, when, 'pageview'),
    sessionIsNew,
    firstTouch: firstTouch(sample.url, 'https://search.example/?q=edgeprint'),
    debounceSeconds: WRITE_UNIT_DEBOUNCE_SECONDS,
    gate: { url: sample.url, kind: 'page', countHit: true },
  };
}

function customEvent(sample: Sample, when: Date): RecordVisitInput {
  return {
    record: pageEvent(sample, when, 'signup'),
    sessionIsNew: false,
    firstTouch: firstTouch(sample.url, undefined),
    debounceSeconds: WRITE_UNIT_DEBOUNCE_SECONDS,
  };
}

/** What `redirectPage` records for `GET /v1/r?next=…` from a browser without a session. */
function redirectView(sessionId: string, next: string, when: Date): RecordVisitInput {
  const target = new URL(next, ORIGIN).href;
  const record: RequestRecord = {
    kind: 'request',
    eventId: randomUUID(),
    sessionId,
    at: when,
    url: `${ORIGIN}/v1/r?next=${encodeURIComponent(next)}`,
    ...fingerprinted(),
  };
  return {
    record,
    sessionIsNew: true,
    firstTouch: firstTouch(target, BROWSER_HEADERS.referer),
    debounceSeconds: WRITE_UNIT_DEBOUNCE_SECONDS,
    gate: { url: target, kind: 'request', countHit: true },
  };
}

/** `UpdateItem ×2 (2 WU)`-style summary, averaged per request, in call order. */
function describeOperations(operations: readonly MeteredOperation[], samples: number): string {
  const sums = new Map<string, { kind: MeteredOperation['kind']; calls: number; units: number; failed: number }>();
  for (const op of operations) {
    const sum = sums.get(op.operation) ?? { kind: op.kind, calls: 0, units: 0, failed: 0 };
    sum.calls += 1;
    sum.units += op.units;
    sum.failed += op.conditionFailed ? 1 : 0;
    sums.set(op.operation, sum);
  }
  return [...sums.entries()]
    .map(([operation, sum]) => {
      const failed = sum.failed > 0 ? `, ${round(sum.failed / samples)} failed condition` : '';
      return `${operation} ×${round(sum.calls / samples)} (${round(sum.units / samples)} ${sum.kind === 'write' ? 'WU' : 'RU'}${failed})`;
    })
    .join(', ');
}

function round(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(2);
}
