import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionFailed, type TableContext } from '../client';
import { keys } from '../keys';

/**
 * Deletes a visitor marker this claim created (its `token`), when the day's counters could not be
 * written; a marker another claim created is left alone. 1 write unit.
 * @example await releaseVisitorDay(table, { site, day, visitorHash, token })
 */
export async function releaseVisitorDay(table: TableContext, release: { site: string; day: string; visitorHash: string; token: string }): Promise<void> {
  try {
    await table.client.send(
      new DeleteCommand({
        TableName: table.tableName,
        Key: keys.visitorDayMarker(release.site, release.day, release.visitorHash),
        ConditionExpression: 'seen = :token',
        ExpressionAttributeValues: { ':token': release.token },
      }),
    );
  } catch (error) {
    if (!isConditionFailed(error)) throw error;
  }
}
