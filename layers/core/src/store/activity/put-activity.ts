import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { ActivityRecord } from '../../domain/records';
import { isConditionFailed, type TableContext } from '../client';
import { expiresAt, ItemType, keys, userIndex } from '../keys';

/**
 * Stores one activity-log row under its session (or alone without one). Idempotent on the event id.
 * 1 write unit, plus 1 for the gsi1 entry when the row carries a user.
 */
export async function putActivity(table: TableContext, activity: ActivityRecord, retentionDays: number): Promise<void> {
  const at = activity.at.toISOString();
  try {
    await table.client.send(
      new PutCommand({
        TableName: table.tableName,
        Item: {
          ...keys.activity(activity.sessionId, at, activity.eventId),
          // Findable by user (erasure) wherever it is stored: the user may come from a token, not the session's link.
          ...(activity.userId === undefined ? {} : userIndex.activity(activity.userId, at, activity.eventId)),
          type: ItemType.activity,
          eventId: activity.eventId,
          at,
          date: activity.date,
          path: activity.path,
          referer: activity.referer,
          sessionId: activity.sessionId,
          userId: activity.userId,
          ip: activity.ip,
          userAgent: activity.userAgent,
          lang: activity.language,
          gpc: activity.gpc === true ? true : undefined,
          dnt: activity.dnt === true ? true : undefined,
          expiresAt: expiresAt(activity.at, retentionDays),
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  } catch (error) {
    if (isConditionFailed(error)) return;
    throw error;
  }
}
