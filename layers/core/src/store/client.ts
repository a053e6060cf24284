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
