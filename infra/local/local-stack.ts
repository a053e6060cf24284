import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { feedFiles, pinOf, recoverFeed, startCheckpoints, streamRecordBody, type Checkpoints } from './change-feed';
import { EVENT_ITEM_TYPES } from '../../layers/core/src/forwarding/event-of-item';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { buildSnippet, SNIPPET_OUT } from '../../client-snippet/build';
import { buildDashboard, dashboardIsStale, DASHBOARD_DIST } from '../../dashboard/build';
import type { FunctionName } from '../routes';
import { demoSite } from './demo-site';
import { ensureIdempotencyTable, ensureTable, startEmbeddedDynamo, type EmbeddedDynamo } from './embedded-dynamodb';
import { startLocalSqs, type LocalSqs, type SqsHandler } from './local-sqs';
import { resetForwarderForTests } from '../../layers/core/src/forwarding/forwarder-runtime';
import { createLocalServer, listen, shutdownServer, type LambdaHttpHandler } from './server';
import { startEdgeProxy, type EdgeProxy, type KinesisHandler, type ViewerRequestHandler } from './edge-proxy';
import { EDGE_CONFIG_GLOBAL, edgeRulesOf, parseEdgeConfig, type EdgeRules } from '../../layers/core/src/edge/edge-config';
import { resetRuntimeForTests } from '../../layers/core/src/runtime';
import { sweepExpired } from '../../layers/core/src/privacy/sweep-expired';
import { createTableContext, localClientOptions, observeCreatedItems, serveEndpointInProcess } from '../../layers/core/src/store/client';
import { inProcessHandler } from './in-process-dynamodb';
import { startConsumerThread, type ConsumerThread } from './consumer-thread';

/** How long a shutdown waits for started requests before cutting their connections. */
export const SHUTDOWN_DEADLINE_MS = 10_000;

/**
 * Where the local stack's work runs (`EDGEPRINT_LOCAL_CONSUMER`): `main` (the default), everything
 * on this thread; `thread`, the queue consumer on a second thread reaching this thread's store over a
 * MessagePort; `store-thread`, the second thread also owns dynalite. On the 2-core machine the bench
 * runs on, the load generator takes the second core and `main` answers the most requests
 * (docs/benchmarks.md, decisions.md); the thread layouts are for machines with cores to spare.
 */
export type LocalLayout = 'main' | 'thread' | 'store-thread';

function localLayout(): LocalLayout {
  const value = process.env.EDGEPRINT_LOCAL_CONSUMER ?? 'main';
  if (value !== 'main' && value !== 'thread' && value !== 'store-thread') throw new Error(`EDGEPRINT_LOCAL_CONSUMER must be main, thread or store-thread, got "${value}"`);
  return value;
}

/** Of the shutdown deadline, what draining the in-memory queue leaves for closing the store and exiting. */
const QUEUE_CLOSE_MARGIN_MS = 1500;

export interface LocalStackOptions {
  readonly port?: number;
  readonly host?: string;
  /** Where dynalite keeps its data; in memory when undefined. */
  readonly dataDir?: string;
  /** Extra EDGEPRINT_* settings (they win over the process environment). */
  readonly env?: Readonly<Record<string, string>>;
  /** Honour X-Forwarded-For from a proxy in front of the local server. */
  readonly trustProxy?: boolean;
  /** Serve the demo site at `/` (npm start does; tests may too). */
  readonly demo?: boolean;
  /** Local queue settings (SQS semantics); tests shorten the visibility timeout. */
  readonly queue?: { readonly visibilityTimeoutMs?: number; readonly maxReceiveCount?: number; readonly batchSize?: number; readonly pollIntervalMs?: number; readonly concurrency?: number; readonly maxBacklog?: number };
  /** A site to put the local edge proxy in front of (`--origin`); no proxy when undefined. */
  readonly origin?: string;
  /** Local edge proxy settings: its port (default 0 here; `npm start` uses EDGE_PORT or 3001), the edge rules, the geo it reports. */
  readonly edge?: { readonly port?: number; readonly rules?: Partial<EdgeRules>; readonly country?: string; readonly asn?: number };
}

export interface LocalStack {
  readonly url: string;
  readonly dynamodbEndpoint: string;
  readonly tableName: string;
  readonly env: Readonly<Record<string, string>>;
  /** The local SQS stand-in and its event source mapping into the forwarder. */
  readonly queue: LocalSqs;
  /** The local edge proxy, when started with an origin. */
  readonly edge?: EdgeProxy;
  /**
   * Stops within `deadlineMs` (default 10 s): the HTTP side first; then, with a data directory, drains
   * the in-memory queue in what is left and leaves the feed's checkpoint behind anything unfinished.
   */
  close(deadlineMs?: number): Promise<void>;
}

function localSecret(dataDir: string | undefined): string {
  if (dataDir === undefined) return randomBytes(32).toString('base64url');
  const file = join(dataDir, 'secret');
  if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString('base64url'), { mode: 0o600 });
  return readFileSync(file, 'utf8').trim();
}

/** The local API key: `.edgeprint/api-key`, generated when absent (in memory without a data directory). */
function localApiKey(dataDir: string | undefined): string {
  if (dataDir === undefined) return randomBytes(24).toString('base64url');
  const file = join(dataDir, 'api-key');
  if (!existsSync(file)) writeFileSync(file, randomBytes(24).toString('base64url'), { mode: 0o600 });
  return readFileSync(file, 'utf8').trim();
}

function loadHandlers(): Record<FunctionName, LambdaHttpHandler> {
  // Required after the environment is set: these are the very modules Lambda runs.
  /* eslint-disable @typescript-eslint/no-require-imports */
  return {
    collect: require('../../functions/collect/handler').handler,
    redirect: require('../../functions/redirect/handler').handler,
    hits: require('../../functions/hits/handler').handler,
    activity: require('../../functions/activity/handler').handler,
    snippet: require('../../functions/snippet/handler').handler,
    link: require('../../functions/link/handler').handler,
    'erase-session': require('../../functions/erase-session/handler').handler,
    'erase-user': require('../../functions/erase-user/handler').handler,
    'user-sessions': require('../../functions/user-sessions/handler').handler,
    'user-devices': require('../../functions/user-devices/handler').handler,
    stats: require('../../functions/stats/handler').handler,
    'stats-realtime': require('../../functions/stats-realtime/handler').handler,
    dashboard: require('../../functions/dashboard/handler').handler,
    'dashboard-files': require('../../functions/dashboard-files/handler').handler,
  };
}

function loadForwarder(): SqsHandler {
  return require('../../functions/forwarder/handler').handler;
}

/**
 * The edge configuration a build would bake in, from the stack's secret and the rules given (or
 * EDGEPRINT_EDGE_RULES), published the way the bundle sees it: as the `__EDGEPRINT_EDGE_CONFIG__`
 * global. The ingest handler gets the same rules through its environment.
 */
function bakeLocalEdgeConfig(env: Record<string, string>, rules: Partial<EdgeRules> | undefined): void {
  const fromEnv = env.EDGEPRINT_EDGE_RULES ?? process.env.EDGEPRINT_EDGE_RULES;
  const config = parseEdgeConfig({ siteId: 'local', ...(fromEnv === undefined ? {} : JSON.parse(fromEnv)), ...rules, secret: env.EDGEPRINT_SECRET });
  env.EDGEPRINT_EDGE_RULES = JSON.stringify(edgeRulesOf(config));
  (globalThis as Record<string, unknown>)[EDGE_CONFIG_GLOBAL] = config;
}

function loadEdgeHandlers(): { viewerRequest: ViewerRequestHandler; ingest: KinesisHandler } {
  return {
    viewerRequest: require('../../functions/edge/handler').handler,
    ingest: require('../../functions/edge-ingest/handler').handler,
  };
}

/**
 * Starts the whole service in this process: embedded DynamoDB (or the endpoint in
 * EDGEPRINT_DYNAMODB_ENDPOINT), the table, the snippet build and the HTTP server. One per process.
 * @example const stack = await startLocalStack({ port: 0 }); … await stack.close()
 */
export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  if (options.dataDir !== undefined) mkdirSync(options.dataDir, { recursive: true });
  const externalEndpoint = options.env?.EDGEPRINT_DYNAMODB_ENDPOINT ?? process.env.EDGEPRINT_DYNAMODB_ENDPOINT;
  const layout = localLayout();
  const storePath = options.dataDir === undefined ? undefined : join(options.dataDir, 'dynamodb');
  let dynamo: EmbeddedDynamo | undefined;
  let thread: ConsumerThread | undefined;
  // In the "store-thread" layout the second thread owns dynalite; otherwise this thread does.
  if (externalEndpoint === undefined && layout === 'store-thread') thread = await startConsumerThread({ layout: 'store', path: storePath });
  else if (externalEndpoint === undefined) dynamo = await startEmbeddedDynamo({ path: storePath });
  const dynamodbEndpoint = externalEndpoint ?? thread?.endpoint ?? dynamo!.endpoint;
  const tableName =
    options.env?.EDGEPRINT_TABLE ??
    (externalEndpoint === undefined ? 'edgeprint-local' : `edgeprint-test-${randomBytes(4).toString('hex')}`);
  // SDK clients created from here on (handlers, consumer, local queue) reach the embedded store without a socket.
  const storeHandler =
    process.env.EDGEPRINT_LOCAL_SOCKETS === 'true' ? undefined : dynamo !== undefined ? inProcessHandler(dynamo.server) : thread?.storeHandler;
  const stopServingInProcess = storeHandler === undefined ? () => undefined : serveEndpointInProcess(dynamodbEndpoint, storeHandler);
  await ensureTable(dynamodbEndpoint, tableName, process.env.AWS_REGION);
  const idempotencyTable = `${tableName}-idempotency`;
  await ensureIdempotencyTable(dynamodbEndpoint, idempotencyTable, process.env.AWS_REGION);
  const queue = await startLocalSqs({
    dynamodbEndpoint,
    tableName: `${tableName}-queue`,
    maxReceiveCount: options.queue?.maxReceiveCount ?? 5,
    visibilityTimeoutMs: options.queue?.visibilityTimeoutMs,
    batchSize: options.queue?.batchSize,
    pollIntervalMs: options.queue?.pollIntervalMs,
    concurrency: options.queue?.concurrency,
    maxBacklog: options.queue?.maxBacklog,
  });
  // The table's change stream, locally: created event items go to the queue before the PutItem returns.
  const feedErrors = (error: unknown) =>
    console.error(JSON.stringify({ level: 'ERROR', message: 'change feed could not enqueue a stored event', error: String(error) }));
  type StoredItem = Parameters<typeof streamRecordBody>[0];
  // The stack's SDK clients feed the queue with each event item they create (embedded or external endpoint alike).
  // A full backlog makes the write wait for room (backpressure), so memory stays bounded under overload.
  const stopObserving = observeCreatedItems(dynamodbEndpoint, tableName, EVENT_ITEM_TYPES, (item) =>
    queue
      .waitForRoom()
      .then(() => queue.send(streamRecordBody(item as StoredItem), pinOf(item as StoredItem)))
      .catch(feedErrors),
  );
  const files = options.dataDir === undefined ? undefined : feedFiles(options.dataDir);
  const feedClient = new DynamoDBClient({ endpoint: dynamodbEndpoint, region: process.env.AWS_REGION ?? 'us-east-1', ...localClientOptions(dynamodbEndpoint) });
  if (files !== undefined) {
    const recovered = await recoverFeed(feedClient, tableName, files, (body, pin) => queue.send(body, pin));
    if (recovered > 0) console.error(JSON.stringify({ level: 'WARN', message: 'unclean stop: stored events since the checkpoint put on the queue again', events: recovered }));
  }
  feedClient.destroy();
  const checkpoints: Checkpoints | undefined = files === undefined ? undefined : startCheckpoints(files, () => queue.oldestPin());
  const journal = join(options.dataDir ?? mkdtempSync(join(tmpdir(), 'edgeprint-')), 'aggregate-journal.json');
  if (!existsSync(SNIPPET_OUT) || process.env.EDGEPRINT_REBUILD_SNIPPET !== 'false') await buildSnippet();
  if (dashboardIsStale()) await buildDashboard();
  const env: Record<string, string> = {
    EDGEPRINT_SECRET: process.env.EDGEPRINT_SECRET ?? localSecret(options.dataDir),
    EDGEPRINT_API_KEY: process.env.EDGEPRINT_API_KEY ?? localApiKey(options.dataDir),
    EDGEPRINT_SNIPPET_FILE: SNIPPET_OUT,
    EDGEPRINT_DASHBOARD_DIR: DASHBOARD_DIST,
    EDGEPRINT_QUEUE_URL: queue.queueUrl,
    EDGEPRINT_DLQ_URL: queue.deadLetterQueueUrl,
    EDGEPRINT_SQS_ENDPOINT: queue.endpoint,
    EDGEPRINT_IDEMPOTENCY_TABLE: idempotencyTable,
    EDGEPRINT_AGGREGATE_JOURNAL: journal,
    EDGEPRINT_MAX_ATTEMPTS: String(options.queue?.maxReceiveCount ?? 5),
    ...options.env,
    EDGEPRINT_TABLE: tableName,
    EDGEPRINT_DYNAMODB_ENDPOINT: dynamodbEndpoint,
  };
  if (options.origin !== undefined) bakeLocalEdgeConfig(env, options.edge?.rules);
  Object.assign(process.env, env);
  resetRuntimeForTests();
  resetForwarderForTests();
  // The consumer on the second thread (the machine's second core) in the thread layouts.
  if (thread === undefined && layout !== 'main') thread = await startConsumerThread({ layout: 'consumer', store: dynamo === undefined ? undefined : inProcessHandler(dynamo.server) });
  await thread?.load(process.env, dynamodbEndpoint);
  queue.attach(thread?.handler ?? loadForwarder());
  // DynamoDB's TTL removes expired items in AWS; dynalite has none, so they are swept at start and hourly.
  const table = createTableContext({ tableName, region: process.env.AWS_REGION ?? 'us-east-1', endpoint: dynamodbEndpoint });
  const sweepTtl = () => sweepExpired(table, new Date()).catch((error: unknown) => console.error(JSON.stringify({ level: 'ERROR', message: 'TTL sweep failed', error: String(error) })));
  await sweepTtl();
  const ttlSweeper = setInterval(() => void sweepTtl(), 3_600_000);
  ttlSweeper.unref();
  const server: Server = createLocalServer({
    handlers: loadHandlers(),
    trustProxy: options.trustProxy ?? process.env.EDGEPRINT_TRUST_PROXY === 'true',
    pages: options.demo === false ? undefined : demoSite(),
  });
  server.keepAliveTimeout = 5000;
  const url = await listen(server, options.port ?? 0, options.host ?? '127.0.0.1');
  const edge =
    options.origin === undefined
      ? undefined
      : await startEdgeProxy({
          origin: options.origin,
          api: url,
          port: options.edge?.port ?? 0,
          host: options.host ?? '127.0.0.1',
          country: options.edge?.country,
          asn: options.edge?.asn,
          ...loadEdgeHandlers(),
        });
  return {
    url,
    dynamodbEndpoint,
    tableName,
    env,
    queue,
    edge,
    close: async (deadlineMs?: number) => {
      clearInterval(ttlSweeper);
      table.client.destroy();
      await edge?.close();
      // Stop accepting, answer started requests (their writes need the store), cut the rest at the deadline.
      const closeBy = Date.now() + (deadlineMs ?? SHUTDOWN_DEADLINE_MS);
      await shutdownServer(server, deadlineMs ?? SHUTDOWN_DEADLINE_MS);
      // The queue is in memory: drain it in what is left of the deadline; what is left after that stays
      // behind the checkpoint (and the running mark stays), so the next start re-feeds it from the table.
      // (In memory, without a data directory, the backlog dies with the store: nothing to drain for.)
      const left = await queue.close(checkpoints === undefined ? 0 : Math.max(0, closeBy - Date.now() - QUEUE_CLOSE_MARGIN_MS));
      if (left > 0 && checkpoints !== undefined) console.error(JSON.stringify({ level: 'WARN', message: 'stopped with queued events unfinished: the next start puts them on the queue again', events: left }));
      checkpoints?.stop(left === 0);
      stopServingInProcess();
      stopObserving();
      await thread?.close();
      await dynamo?.close();
      // The embedded endpoint dies with this stack: a restart in this process must not take it for an external one.
      if (externalEndpoint === undefined && process.env.EDGEPRINT_DYNAMODB_ENDPOINT === dynamodbEndpoint) delete process.env.EDGEPRINT_DYNAMODB_ENDPOINT;
    },
  };
}
