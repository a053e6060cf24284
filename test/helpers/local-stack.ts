import { ScanCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand as DocScanCommand } from '@aws-sdk/lib-dynamodb';
import { startLocalStack, type LocalStack, type LocalStackOptions } from '../../infra/local/local-stack';
import { isLoopback } from '../../layers/core/src/store/client';

/** A desktop Chrome user agent: what the API treats as a real browser (isbot says no). */
export const BROWSER_UA =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
process.env.EDGEPRINT_REBUILD_SNIPPET ??= 'false';

/**
 * Starts the real local stack (embedded dynalite, or EDGEPRINT_DYNAMODB_ENDPOINT when set) for one
 * test file, over loopback. Returns a getter, valid inside tests.
 * @example const stack = useLocalStack({ env: { EDGEPRINT_DEBOUNCE_SECONDS: '10' } })
 */
export function useLocalStack(options: LocalStackOptions | (() => LocalStackOptions) = {}): () => LocalStack {
  let stack: LocalStack | undefined;
  beforeAll(async () => {
    // A function lets options depend on other beforeAll hooks (a stub's port, say).
    stack = await startLocalStack({ demo: false, ...(typeof options === 'function' ? options() : options) });
  });
  afterAll(async () => {
    await stack?.close();
  });
  return () => {
    if (stack === undefined) throw new Error('local stack not started');
    return stack;
  };
}

export interface FetchOptions {
  method?: string;
  body?: string;
  headers?: Record<string, string>;
  /** Session cookie value to send as `ep_sid`. */
  session?: string;
}

/** A fetch against the stack with a browser user agent unless overridden. */
export async function call(stack: LocalStack, path: string, options: FetchOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { 'user-agent': BROWSER_UA, ...options.headers };
  if (options.session !== undefined) headers.cookie = `ep_sid=${options.session}`;
  return fetch(`${stack.url}${path}`, { method: options.method ?? 'GET', body: options.body, headers, redirect: 'manual' });
}

/** POSTs a JSON body as `text/plain` (what sendBeacon sends). */
export function collectJson(stack: LocalStack, body: unknown, options: FetchOptions = {}): Promise<Response> {
  return call(stack, '/v1/collect', {
    method: 'POST',
    body: JSON.stringify(body),
    ...options,
    headers: { 'content-type': 'text/plain;charset=UTF-8', ...options.headers },
  });
}

/** The `ep_sid` value a response set, if any. */
export function sessionFrom(response: Response): string | undefined {
  const cookies = response.headers.getSetCookie();
  for (const cookie of cookies) {
    const match = /^ep_sid=([^;]+)/.exec(cookie);
    if (match !== null) return match[1];
  }
  return undefined;
}

function documentClient(stack: LocalStack): DynamoDBDocumentClient {
  const local = isLoopback(stack.dynamodbEndpoint);
  return DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint: stack.dynamodbEndpoint,
      region: process.env.AWS_REGION ?? 'us-east-1',
      ...(local ? { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
    }),
  );
}

/** Every item in the stack's table (test tables are small), read through the real SDK. */
export async function scanTable(stack: LocalStack): Promise<Record<string, unknown>[]> {
  const client = documentClient(stack);
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await client.send(new DocScanCommand({ TableName: stack.tableName, ExclusiveStartKey: start }));
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start !== undefined);
  client.destroy();
  return items;
}

/** True for an item the aggregation writes in the background (see AGGREGATE_ITEMS): tests comparing table snapshots leave them out. */
export function isAggregateItem(item: Record<string, unknown>): boolean {
  return typeof item.pk === 'string' && /^(AGG|AGS#|AGV#|AGD#|URL#)/.test(item.pk);
}

/**
 * Items the queue consumer keeps (`AGG#…` day and drop counters, `AGGSITES`, `AGS#`/`AGV#`/`AGD#`
 * markers, `URL#` hit counters): it writes them asynchronously, after the request that caused them.
 */
const AGGREGATE_ITEMS = {
  FilterExpression: 'NOT (begins_with(pk, :agg) OR begins_with(pk, :ags) OR begins_with(pk, :agv) OR begins_with(pk, :agd) OR begins_with(pk, :url))',
  ExpressionAttributeValues: { ':agg': { S: 'AGG' }, ':ags': { S: 'AGS#' }, ':agv': { S: 'AGV#' }, ':agd': { S: 'AGD#' }, ':url': { S: 'URL#' } },
};

/**
 * The number of items in the table, aggregate items left out: cheap before/after check that a
 * rejected request (or a bot) stored nothing. The aggregates are left out because the local queue
 * drains in the background, so they change while a test counts (and a bot's drop counter is one).
 */
export async function countItems(stack: LocalStack): Promise<number> {
  const client = documentClient(stack);
  let count = 0;
  let start: Record<string, import('@aws-sdk/client-dynamodb').AttributeValue> | undefined;
  do {
    const page = await client.send(new ScanCommand({ TableName: stack.tableName, Select: 'COUNT', ExclusiveStartKey: start, ...AGGREGATE_ITEMS }));
    count += page.Count ?? 0;
    start = page.LastEvaluatedKey;
  } while (start !== undefined);
  client.destroy();
  return count;
}

/**
 * Reads `/v1/hits` for the given urls, once the queue consumer has counted everything stored so far
 * (hits are counted downstream of the table, a second or so behind the request: docs/api.md).
 */
export async function hitsFor(stack: LocalStack, urls: string[]): Promise<Record<string, number>> {
  await stack.queue.drain();
  const query = urls.map((url) => `url=${encodeURIComponent(url)}`).join('&');
  const response = await call(stack, `/v1/hits?${query}`);
  if (response.status !== 200) throw new Error(`hits answered ${response.status}: ${await response.text()}`);
  return ((await response.json()) as { counts: Record<string, number> }).counts;
}

/** A fresh session id in the cookie format (never seen by the server). */
export function freshSessionId(): string {
  return require('node:crypto').randomBytes(16).toString('base64url') as string;
}
