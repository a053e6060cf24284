import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { startEmbeddedDynamo, type EmbeddedDynamo } from '../../infra/local/embedded-dynamodb';
import { startLocalStack, type LocalStack } from '../../infra/local/local-stack';
import { collectJson, freshSessionId, hitsFor, sessionFrom, useLocalStack } from '../helpers/local-stack';

describe('EDGEPRINT_DYNAMODB_ENDPOINT', () => {
  // A DynamoDB of our own, standing in for DynamoDB Local or AWS: the stack must use it, not its embedded one.
  let external: EmbeddedDynamo | undefined;
  const env: Record<string, string> = {};
  beforeAll(async () => {
    external = await startEmbeddedDynamo();
    env.EDGEPRINT_DYNAMODB_ENDPOINT = external.endpoint;
  });
  const stack = useLocalStack({ env });
  afterAll(async () => {
    await external?.close();
    delete process.env.EDGEPRINT_DYNAMODB_ENDPOINT; // startLocalStack exported it; the next stack must not inherit it
  });

  it('stores a pageview in the configured endpoint, in a table of its own', async () => {
    expect(stack().dynamodbEndpoint).toBe(external?.endpoint);
    expect(stack().tableName).toMatch(/^edgeprint-test-[0-9a-f]{8}$/);
    const url = `https://site.example/endpoint/${randomUUID()}`;
    const response = await collectJson(stack(), { id: 'endpointVisitor', url });
    expect(response.status).toBe(204);
    const session = sessionFrom(response);
    // The hit is counted by the queue consumer: the stack feeds it from its own SDK clients' writes here.
    await stack().queue.drain();

    const client = DynamoDBDocumentClient.from(
      new DynamoDBClient({ endpoint: external?.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }),
    );
    const { Items = [] } = await client.send(new ScanCommand({ TableName: stack().tableName }));
    client.destroy();
    expect(Items.find((item) => item.type === 'session' && item.sessionId === session)).toMatchObject({
      first: { type: 'browser_event', url, visitorId: 'endpointVisitor' },
    });
    expect(Items.find((item) => item.type === 'hit_counter' && item.url === url)).toMatchObject({ hits: 1 });
    expect(await hitsFor(stack(), [url])).toEqual({ [url]: 1 });
  });
});

describe('local stack with a data directory', () => {
  let dataDir: string;
  let stack: LocalStack | undefined;
  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'edgeprint-persist-'));
  });
  afterAll(async () => {
    await stack?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps hits, sessions and markers across a restart', async () => {
    const url = `https://site.example/persist/${randomUUID()}`;
    const session = freshSessionId();
    stack = await startLocalStack({ dataDir, demo: false });
    expect((await collectJson(stack, { id: 'v1', url }, { session })).status).toBe(204);
    expect(await hitsFor(stack, [url])).toEqual({ [url]: 1 });
    await stack.close();
    stack = undefined;
    expect(existsSync(join(dataDir, 'dynamodb'))).toBe(true);

    stack = await startLocalStack({ dataDir, demo: false });
    expect(await hitsFor(stack, [url])).toEqual({ [url]: 1 });
    // The marker survived too: the same session is not counted again, a new one is.
    expect((await collectJson(stack, { id: 'v1', url }, { session })).status).toBe(204);
    expect((await collectJson(stack, { id: 'v2', url }, { session: freshSessionId() })).status).toBe(204);
    expect(await hitsFor(stack, [url])).toEqual({ [url]: 2 });
  });
});
