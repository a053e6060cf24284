import { join } from 'node:path';
import { startLocalStack } from './local-stack';

/** `npm start`: the whole service on http://127.0.0.1:3000 (PORT and HOST override), data under .edgeprint/. */
async function main(): Promise<void> {
  const port = Number(process.env.PORT ?? 3000);
  const host = process.env.HOST ?? '127.0.0.1';
  const dataDir = process.env.EDGEPRINT_DATA_DIR ?? join(process.cwd(), '.edgeprint');
  const stack = await startLocalStack({ port, host, dataDir, demo: true });
  console.log(`edgeprint is running on ${stack.url}  (data: ${dataDir}, DynamoDB: ${stack.dynamodbEndpoint})`);
  console.log(`  demo site  ${stack.url}/`);
  console.log(`  API        ${stack.url}/v1/collect  /v1/r?next=…  /v1/hits?url=…  /v1/activity  /v1/snippet.js`);
  const stop = (): void => {
    void stack.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(`edgeprint failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
