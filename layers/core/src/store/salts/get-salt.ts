import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { TableContext } from '../client';
import { keys } from '../keys';

/**
 * The cookieless salt of one UTC day, if it was created. Strongly consistent GetItem (1 read unit),
 * so a salt another cold start created a moment ago is seen.
 * @example await getSalt(table, '2026-11-22')
 */
export async function getSalt(table: TableContext, day: string): Promise<Buffer | undefined> {
  const result = await table.client.send(
    new GetCommand({ TableName: table.tableName, Key: keys.salt(day), ProjectionExpression: 'salt', ConsistentRead: true }),
  );
  const salt = result.Item?.salt;
  return typeof salt === 'string' && salt.length > 0 ? Buffer.from(salt, 'base64url') : undefined;
}
