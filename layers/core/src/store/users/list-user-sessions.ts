import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { TableContext } from '../client';
import { TABLE_SCHEMA } from '../table';
import { keys, userIndex } from '../keys';
import { sessionFirstTouch } from '../sessions/session-item';

export interface StoredUserSession {
  readonly sessionId: string;
  readonly createdAt?: string;
  readonly linkedAt?: string;
  readonly firstTouch?: Record<string, string>;
  /** From the session's first record, when it has one. */
  readonly country?: string;
  readonly userAgent?: string;
}

export interface StorePage<T> {
  readonly items: T[];
  /** The last item's position, to continue after; absent on the last page. */
  readonly last?: string;
}

/**
 * One page of a user's linked sessions: one Query on gsi1 (`gsi1pk = USER#<userId>`,
 * `begins_with(gsi1sk, 'S#')`), eventually consistent, `after` being the last session id of the
 * previous page. 0.5 read units per 4 KB read.
 * @example await listUserSessions(table, 'user-42', { limit: 50 })
 */
export async function listUserSessions(
  table: TableContext,
  userId: string,
  page: { limit: number; after?: string },
): Promise<StorePage<StoredUserSession>> {
  const index = userIndex.session(userId, '');
  const result = await table.client.send(
    new QueryCommand({
      TableName: table.tableName,
      IndexName: TABLE_SCHEMA.gsi1.name,
      KeyConditionExpression: 'gsi1pk = :pk AND begins_with(gsi1sk, :prefix)',
      ExpressionAttributeValues: { ':pk': index.gsi1pk, ':prefix': index.gsi1sk },
      Limit: page.limit,
      ExclusiveStartKey: page.after === undefined ? undefined : { ...userIndex.session(userId, page.after), ...keys.session(page.after) },
    }),
  );
  const items = (result.Items ?? []).map(toUserSession);
  const lastKey = result.LastEvaluatedKey;
  return { items, last: lastKey === undefined ? undefined : String(lastKey.gsi1sk).slice(index.gsi1sk.length) };
}

function toUserSession(item: Record<string, unknown>): StoredUserSession {
  const first = (item.first ?? {}) as Record<string, unknown>;
  const headers = (first.headers ?? {}) as Record<string, unknown>;
  const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
  return {
    sessionId: String(item.sessionId ?? String(item.pk).slice(2)),
    createdAt: text(item.createdAt),
    linkedAt: text(item.linkedAt),
    firstTouch: item.first === undefined && item.firstTouch === undefined ? undefined : (sessionFirstTouch(item) as Record<string, string>),
    country: text(first.country),
    userAgent: text(headers['user-agent']),
  };
}
