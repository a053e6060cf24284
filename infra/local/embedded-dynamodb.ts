import type { AddressInfo } from 'node:net';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, ResourceInUseException } from '@aws-sdk/client-dynamodb';
import { dirname } from 'node:path';
import dynalite from 'dynalite';
import { TABLE_SCHEMA } from '../../layers/core/src/store/table';
import { localClientOptions } from '../../layers/core/src/store/client';

/**
 * dynalite turns each Query and Scan into a stream over an abstract-level iterator and, when the
 * stream is done, closes the iterator only through `iterator.return()`, a method abstract-level 3's
 * iterators do not have. So every Query left a LevelDB iterator open, with its snapshot: the store
 * could never release old versions, and resident memory grew by tens of KB per request (the local
 * queue queries on every poll). Giving the iterators `return()` = `close()` closes each one when its
 * stream ends. Applied once, to the abstract-level instance dynalite itself loads.
 */
export function closeFinishedIterators(): void {
  const abstractLevel = require(require.resolve('abstract-level', { paths: [dirname(require.resolve('dynalite'))] })) as Record<string, { prototype: Record<string, unknown> }>;
  for (const name of ['AbstractIterator', 'AbstractKeyIterator', 'AbstractValueIterator']) {
    const prototype = abstractLevel[name]?.prototype;
    if (prototype === undefined || typeof prototype.return === 'function') continue;
    prototype.return = function closeOnReturn(this: { close(): Promise<void> }) {
      return this.close();
    };
  }
}

export interface EmbeddedDynamo {
  readonly endpoint: string;
  /** The store's HTTP server (the change feed wraps its request listener). */
  readonly server: Server;
  close(): Promise<void>;
}

/**
 * Starts dynalite in this process on a loopback port: on disk under `path` (data survives a restart)
 * or in memory when no path is given.
 */
export async function startEmbeddedDynamo(options: { path?: string; port?: number } = {}): Promise<EmbeddedDynamo> {
  closeFinishedIterators();
  const server: Server = dynalite({ path: options.path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  // A request that reaches the store while it closes is answered 503 (retryable) instead of reaching a
  // closed database, where dynalite throws from a callback and ends the whole process; requests
  // already inside finish first.
  const [listener] = server.listeners('request') as ((req: IncomingMessage, res: ServerResponse) => void)[];
  let closing = false;
  let inside = 0;
  let drained: (() => void) | undefined;
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (closing) {
      req.resume();
      res.statusCode = 503;
      res.setHeader('content-type', 'application/x-amz-json-1.0');
      res.end(JSON.stringify({ __type: 'com.amazonaws.dynamodb.v20120810#ServiceUnavailableException', message: 'The embedded store is closing' }));
      return;
    }
    inside += 1;
    res.once('finish', () => {
      inside -= 1;
      if (inside === 0) drained?.();
    });
    res.once('close', () => {
      if (!res.writableFinished) {
        inside -= 1;
        if (inside === 0) drained?.();
      }
    });
    listener!(req, res);
  });
  return {
    endpoint: `http://127.0.0.1:${port}`,
    server,
    close: async () => {
      closing = true;
      if (inside > 0) {
        await new Promise<void>((resolve) => {
          drained = resolve;
          setTimeout(resolve, 5000).unref();
        });
      }
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        (server as Server & { closeAllConnections?: () => void }).closeAllConnections?.();
      });
    },
  };
}

/** Creates the edgeprint table (same keys and index as the CDK stack) when it does not exist yet. */
export async function ensureTable(endpoint: string, tableName: string, region = process.env.AWS_REGION ?? 'us-east-1'): Promise<void> {
  const client = new DynamoDBClient({
    endpoint,
    region,
    ...localClientOptions(endpoint),
  });
  const { partitionKey, sortKey, gsi1 } = TABLE_SCHEMA;
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: partitionKey, AttributeType: 'S' },
          { AttributeName: sortKey, AttributeType: 'S' },
          { AttributeName: gsi1.partitionKey, AttributeType: 'S' },
          { AttributeName: gsi1.sortKey, AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: partitionKey, KeyType: 'HASH' },
          { AttributeName: sortKey, KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: [
          {
            IndexName: gsi1.name,
            KeySchema: [
              { AttributeName: gsi1.partitionKey, KeyType: 'HASH' },
              { AttributeName: gsi1.sortKey, KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          },
        ],
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (Table?.TableStatus === 'ACTIVE') break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  client.destroy();
}

/** Creates the forwarder's idempotency table (Powertools layout: partition key `id`) when missing. */
export async function ensureIdempotencyTable(endpoint: string, tableName: string, region = process.env.AWS_REGION ?? 'us-east-1'): Promise<void> {
  const client = new DynamoDBClient({
    endpoint,
    region,
    ...localClientOptions(endpoint),
  });
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  } finally {
    client.destroy();
  }
}
