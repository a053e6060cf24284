import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { SessionInfo } from '../../domain/records';
import type { TableContext } from '../client';
import { keys } from '../keys';

/** Reads a session's id and linked user. Eventually consistent: 0.5 read units. */
export async function getSession(table: TableContext, sessionId: string): Promise<SessionInfo | undefined> {
  const result = await table.client.send(
    new GetCommand({
      TableName: table.tableName,
      Key: keys.session(sessionId),
      ProjectionExpression: 'sessionId, userId, createdAt',
    }),
  );
  if (result.Item === undefined) return undefined;
  const { userId, createdAt } = result.Item;
  return {
    sessionId,
    userId: typeof userId === 'string' ? userId : undefined,
    createdAt: typeof createdAt === 'string' ? createdAt : undefined,
  };
}
