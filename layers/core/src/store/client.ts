import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export interface TableContext {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
}

/**
 * One document client per cold start. The endpoint is set only for dynalite or DynamoDB Local;
 * local endpoints get static dummy credentials so no AWS account is needed.
 */
export function createTableContext(options: { tableName: string; region: string; endpoint?: string }): TableContext {
  const local = options.endpoint !== undefined && isLoopback(options.endpoint);
  const client = new DynamoDBClient({
    region: options.region,
    endpoint: options.endpoint,
    maxAttempts: 4,
    ...(local ? { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
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
