import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startLocalStack } from './local-stack';

/** `--origin URL`, `--origin=URL` or EDGEPRINT_ORIGIN: the site to put the local edge proxy in front of. */
function originArgument(argv: readonly string[]): string | undefined {
  const index = argv.findIndex((arg) => arg === '--origin' || arg.startsWith('--origin='));
  const value = index < 0 ? process.env.EDGEPRINT_ORIGIN : argv[index]!.includes('=') ? argv[index]!.slice('--origin='.length) : argv[index + 1];
  if (value === undefined || value === '') return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`--origin must be an http(s) URL such as http://127.0.0.1:8080, got "${value}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`--origin must be an http(s) URL, got "${value}"`);
  return url.origin;
}

/** `npm start`: the whole service on http://127.0.0.1:3000 (PORT and HOST override), data under .edgeprint/. */
async function main(): Promise<void> {
  const port = Number(process.env.PORT ?? 3000);
  const host = process.env.HOST ?? '127.0.0.1';
  const dataDir = process.env.EDGEPRINT_DATA_DIR ?? join(process.cwd(), '.edgeprint');
  const origin = originArgument(process.argv.slice(2));
  const edgePort = Number(process.env.EDGE_PORT ?? 3001);
  const shutdownMs = Number(process.env.EDGEPRINT_SHUTDOWN_SECONDS ?? 10) * 1000;
  // The local queue's visibility timeout (SQS semantics); the crash test shortens it so redeliveries come quickly.
  const visibility = process.env.EDGEPRINT_LOCAL_QUEUE_VISIBILITY_MS;
  // How many events the in-memory queue holds before writes wait for the consumer (local-sqs.ts).
  const maxBacklog = process.env.EDGEPRINT_LOCAL_QUEUE_MAX_BACKLOG;
  const stack = await startLocalStack({
    port,
    host,
    dataDir,
    demo: true,
    origin,
    edge: { port: edgePort },
    queue: {
      ...(visibility === undefined ? {} : { visibilityTimeoutMs: Number(visibility) }),
      ...(maxBacklog === undefined ? {} : { maxBacklog: Number(maxBacklog) }),
    },
  });
  // The redrive script and the edgeprint CLI find the running stack through this file.
  writeFileSync(
    join(dataDir, 'local.json'),
    JSON.stringify(
      {
        url: stack.url,
        sqsEndpoint: stack.queue.endpoint,
        deadLetterQueueArn: stack.queue.deadLetterQueueArn,
        // The edgeprint CLI talks to this DynamoDB while the server holds the store's lock.
        dynamodbEndpoint: stack.dynamodbEndpoint,
        tableName: stack.tableName,
      },
      null,
      2,
    ),
  );
  console.log(`edgeprint is running on ${stack.url}  (data: ${dataDir}, DynamoDB: ${stack.dynamodbEndpoint})`);
  console.log(`  demo site  ${stack.url}/`);
  console.log(`  API        ${stack.url}/v1/collect  /v1/r?next=…  /v1/hits?url=…  /v1/activity  /v1/snippet.js`);
  console.log(`  dashboard  ${stack.url}/dashboard  (sign in with the API key below; JSON: ${stack.url}/v1/stats)`);
  console.log(`  admin      ${stack.url}/v1/sessions/link  /v1/users/{userId}/sessions|devices  (API key: ${stack.env.EDGEPRINT_API_KEY}, from ${join(dataDir, 'api-key')} or EDGEPRINT_API_KEY)`);
  if (stack.edge !== undefined) {
    console.log(`  edge proxy ${stack.edge.url}  → ${origin}  (Lambda@Edge viewer-request + real-time log ingest; API under ${stack.edge.url}/_ep/v1/…)`);
  }
  // Ctrl-C or SIGTERM: stop accepting, answer started requests, exit within the deadline whatever
  // happens (every acknowledged event is already stored, and its queue message written).
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    const started = Date.now();
    setTimeout(() => {
      console.error(`edgeprint: shutdown passed its ${shutdownMs} ms deadline; exiting`);
      process.exit(1);
    }, shutdownMs + 2000).unref();
    void stack
      .close(shutdownMs)
      .then(() => {
        console.log(`edgeprint stopped on ${signal} in ${Date.now() - started} ms`);
        process.exit(0);
      })
      .catch((error: unknown) => {
        console.error(`edgeprint: shutdown failed: ${error instanceof Error ? error.message : String(error)}`);
        process.exit(1);
      });
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error(`edgeprint failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
