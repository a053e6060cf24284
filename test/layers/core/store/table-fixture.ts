import { randomUUID } from 'node:crypto';
import { GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { ensureTable, startEmbeddedDynamo, type EmbeddedDynamo } from '../../../../infra/local/embedded-dynamodb';
import { requestFingerprint } from '../../../../layers/core/src/domain/fingerprint';
import type { EventStore, PageEventRecord, RequestRecord } from '../../../../layers/core/src/domain/records';
import { requestSignals } from '../../../../layers/core/src/domain/request-signals';
import { newSessionId } from '../../../../layers/core/src/domain/session-id';
import { createTableContext, type TableContext } from '../../../../layers/core/src/store/client';
import { dynamoEventStore } from '../../../../layers/core/src/store/dynamo-event-store';
import type { TableKey } from '../../../../layers/core/src/store/keys';
import type { CapacityMeter } from '../../../helpers/capacity';

export const RETENTION_DAYS = 395;

export interface TableFixture {
  readonly endpoint: string;
  readonly table: TableContext;
  readonly store: EventStore;
  getItem(key: TableKey): Promise<Record<string, unknown> | undefined>;
  /** Every item of the table (strongly consistent reads are moot on dynalite; test tables are small). */
  scan(): Promise<Record<string, unknown>[]>;
}

/**
 * A real dynalite with the edgeprint table for one test file, and the real DynamoDB store on it.
 * With a meter, the store's client is metered (write-unit budgets).
 */
export function useDynaliteTable(options: { meter?: CapacityMeter } = {}): () => TableFixture {
  let dynamo: EmbeddedDynamo | undefined;
  let fixture: TableFixture | undefined;
  beforeAll(async () => {
    dynamo = await startEmbeddedDynamo();
    const tableName = 'edgeprint-store-test';
    await ensureTable(dynamo.endpoint, tableName, 'us-east-1');
    const table = createTableContext({ tableName, region: 'us-east-1', endpoint: dynamo.endpoint });
    options.meter?.attach(table.client);
    fixture = {
      endpoint: dynamo.endpoint,
      table,
      store: dynamoEventStore(table, RETENTION_DAYS),
      getItem: async (key) => (await table.client.send(new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }))).Item,
      scan: async () => {
        const items: Record<string, unknown>[] = [];
        let start: Record<string, unknown> | undefined;
        do {
          const page = await table.client.send(new ScanCommand({ TableName: tableName, ExclusiveStartKey: start }));
          items.push(...(page.Items ?? []));
          start = page.LastEvaluatedKey;
        } while (start !== undefined);
        return items;
      },
    };
  });
  afterAll(async () => {
    fixture?.table.client.destroy();
    await dynamo?.close();
  });
  return () => {
    if (fixture === undefined) throw new Error('dynalite table not started');
    return fixture;
  };
}

/** What desktop Chrome 131 sends on every request (client hints on https). */
const CHROME = {
  'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  'accept-language': 'en-GB,en;q=0.9,de;q=0.8',
  'accept-encoding': 'gzip, deflate, br, zstd',
  'sec-ch-ua': '"Google Chrome";v="131", "Chromium";v="131", "Not_A Brand";v="24"',
  'sec-ch-ua-mobile': '?0',
  'sec-ch-ua-platform': '"Linux"',
  'cloudfront-viewer-country': 'DE',
};
/** A sendBeacon from a page to a cross-origin API: `*\/*` and the page's origin as referer. */
const BEACON_HEADERS = { ...CHROME, accept: '*/*', referer: 'https://site.example/' };
/** A navigation to the redirect page from a search result. */
const NAVIGATION_HEADERS = {
  ...CHROME,
  accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7',
  referer: 'https://www.search.example/',
};

/** Signals as the endpoints store them (truncated IP) with the fingerprint taken over the full IP: records of realistic size. */
function realisticSignals(headers: Record<string, string>) {
  const full = requestSignals(headers, '203.0.113.77');
  return { signals: { ...full, ip: '203.0.113.0' }, fingerprint: requestFingerprint(full, 'test-secret-of-sixteen-chars') };
}

/** A collect pageview as the endpoint builds it. */
export function pageRecord(overrides: Partial<PageEventRecord> = {}): PageEventRecord {
  return {
    kind: 'event',
    eventId: randomUUID(),
    sessionId: newSessionId(),
    at: new Date('2026-03-01T12:00:00.000Z'),
    url: `https://site.example/articles/2026/${randomUUID().slice(0, 8)}-how-fingerprints-work?utm_source=news`,
    event: 'pageview',
    visitorId: 'x8Yq2mZ4TcR9vB1nL6wK',
    confidence: 0.6,
    referrer: 'https://www.search.example/',
    title: 'How browser fingerprints work | Site Example',
    gpc: false,
    ...realisticSignals(BEACON_HEADERS),
    ...overrides,
  };
}

/** A redirect-page request record as the endpoint builds it. */
export function requestRecord(overrides: Partial<RequestRecord> = {}): RequestRecord {
  return {
    kind: 'request',
    eventId: randomUUID(),
    sessionId: newSessionId(),
    at: new Date('2026-03-01T12:00:00.000Z'),
    url: 'https://api.site.example/v1/r?next=https%3A%2F%2Fsite.example%2Farticles%2F2026%2Fhow-fingerprints-work',
    gpc: false,
    ...realisticSignals(NAVIGATION_HEADERS),
    ...overrides,
  };
}
