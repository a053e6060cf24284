import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export interface TableContext {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
}

/**
 * Local stack only: SDK request handlers that reach an endpoint without a socket (the embedded store
 * runs in the same process: infra/local/in-process-dynamodb.ts). Empty in Lambda.
 */
const inProcessEndpoints = new Map<string, unknown>();

/** Serves `endpoint` in process for the clients created from now on; returns the undo. */
export function serveEndpointInProcess(endpoint: string, requestHandler: unknown): () => void {
  inProcessEndpoints.set(endpoint, requestHandler);
  return () => inProcessEndpoints.delete(endpoint);
}

/**
 * Local stack only: its change feed (the stand-in for DynamoDB Streams + the pipe), taken from the
 * clients themselves, for the embedded store and an external endpoint alike. A PutItem of the table
 * whose item has an observed `type` returns only after the sink took the item (DynamoDB JSON).
 */
const createdItemObservers = new Map<string, { tableName: string; types: ReadonlySet<string>; sink: (item: Record<string, unknown>) => Promise<unknown> }>();

/** Feeds `sink` with the items of `types` created in `tableName` at `endpoint` by clients created from now on; returns the undo. */
export function observeCreatedItems(endpoint: string, tableName: string, types: readonly string[], sink: (item: Record<string, unknown>) => Promise<unknown>): () => void {
  createdItemObservers.set(endpoint, { tableName, types: new Set(types), sink });
  return () => createdItemObservers.delete(endpoint);
}

function observeClient(client: DynamoDBClient, endpoint: string | undefined): void {
  const observer = endpoint === undefined ? undefined : createdItemObservers.get(endpoint);
  if (observer === undefined) return;
  client.middlewareStack.add(
    (next) => async (args) => {
      const result = await next(args);
      const input = args.input as { TableName?: string; Item?: Record<string, { S?: string }> };
      const target = String((args.request as { headers?: Record<string, string> } | undefined)?.headers?.['x-amz-target'] ?? '');
      const type = input.Item?.type?.S;
      if (target.endsWith('.PutItem') && input.TableName === observer.tableName && type !== undefined && observer.types.has(type)) await observer.sink(input.Item!);
      return result;
    },
    { step: 'build', name: 'edgeprintLocalChangeFeed' },
  );
}

/**
 * What a client of a local endpoint needs: static dummy credentials (no AWS account) and, for the
 * embedded store, the in-process request handler. Nothing for any other endpoint.
 */
export function localClientOptions(endpoint: string | undefined): { credentials?: { accessKeyId: string; secretAccessKey: string }; requestHandler?: never } {
  if (endpoint === undefined || !isLoopback(endpoint)) return {};
  const requestHandler = inProcessEndpoints.get(endpoint);
  return { credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, ...(requestHandler === undefined ? {} : { requestHandler: requestHandler as never }) };
}

/**
 * One document client per cold start. The endpoint is set only for dynalite or DynamoDB Local;
 * local endpoints get static dummy credentials so no AWS account is needed.
 */
export function createTableContext(options: { tableName: string; region: string; endpoint?: string }): TableContext {
  const client = new DynamoDBClient({
    region: options.region,
    endpoint: options.endpoint,
    maxAttempts: 4,
    ...localClientOptions(options.endpoint),
  });
  observeClient(client, options.endpoint);
  return {
    client: DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } }),
    tableName: options.tableName,
  };
}

/** Loopback endpoints (dynalite, DynamoDB Local) need no real credentials; any other endpoint uses the normal chain. */
export function isLoopback(endpoint: string): boolean {
  const host = new URL(endpoint).hostname;
  return host === 'localhost' || host === '[::1]' || host.startsWith('127.');
}

/** True for the SDK error a failed `ConditionExpression` raises. */
export function isConditionFailed(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}
