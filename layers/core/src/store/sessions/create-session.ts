import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { FirstTouch } from '../../domain/attribution';
import type { VisitRecord } from '../../domain/records';
import { isConditionFailed, type TableContext } from '../client';
import { expiresAt, ItemType, keys } from '../keys';
import { recordAttributes } from '../records/record-item';

/**
 * Creates the session item: first-touch attribution plus the session's first record (`first`),
 * so a new session's first view costs one write, not two. Conditional: attribution is never
 * overwritten. Returns false when the session already exists. 1 write unit.
 */
export async function createSession(
  table: TableContext,
  record: VisitRecord,
  touch: FirstTouch,
  retentionDays: number,
): Promise<boolean> {
  try {
    await table.client.send(
      new PutCommand({
        TableName: table.tableName,
        Item: {
          ...keys.session(record.sessionId),
          type: ItemType.session,
          sessionId: record.sessionId,
          createdAt: record.at.toISOString(),
          firstTouch: Object.keys(touch).length === 0 ? undefined : touch,
          first: {
            type: record.kind === 'request' ? ItemType.requestFingerprint : ItemType.browserEvent,
            ...recordAttributes(record),
          },
          expiresAt: expiresAt(record.at, retentionDays),
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailed(error)) return false;
    throw error;
  }
}
