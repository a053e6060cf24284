import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { TableContext } from '../client';
import { TABLE_SCHEMA } from '../table';
import { userPartition, type TableKey } from '../keys';

export interface UserIndexEntry {
  readonly key: TableKey;
  /** `S#<sessionId>` for a linked session, `ACT#<time>#<eventId>` for an activity row with this user. */
  readonly gsi1sk: string;
}

/**
 * Everything gsi1 holds for a user: linked sessions and activity rows carrying the user. One
 * paginated Query (keys only), for erasure. Eventually consistent, as every GSI read.
 * @example const entries = await listUserIndex(table, 'user-42')
 */
export async function listUserIndex(table: TableContext, userId: string): Promise<UserIndexEntry[]> {
  const entries: UserIndexEntry[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await table.client.send(
      new QueryCommand({
        TableName: table.tableName,
        IndexName: TABLE_SCHEMA.gsi1.name,
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': userPartition(userId) },
        ProjectionExpression: 'pk, sk, gsi1sk',
        ExclusiveStartKey: start,
      }),
    );
    for (const item of page.Items ?? []) entries.push({ key: { pk: String(item.pk), sk: String(item.sk) }, gsi1sk: String(item.gsi1sk) });
    start = page.LastEvaluatedKey;
  } while (start !== undefined);
  return entries;
}
