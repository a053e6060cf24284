import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionFailed, type TableContext } from '../client';
import { ItemType, keys } from '../keys';

/**
 * Atomic ADD on the url's unique-session counter. 1 write unit. Counters hold no personal data and
 * never expire. With a `stamp` (the local stack's journaled consumer), the write applies only if no
 * write with this or a later stamp did: replaying it after a crash never counts twice.
 * @example await incrementHitCounter(table, 'https://shop.example/', { by: 2 })
 */
export async function incrementHitCounter(table: TableContext, url: string, options: { by?: number; stamp?: number } = {}): Promise<void> {
  const stamped = options.stamp !== undefined;
  try {
    await table.client.send(
      new UpdateCommand({
        TableName: table.tableName,
        Key: keys.hitCounter(url),
        UpdateExpression: `ADD hits :by SET #url = :url, #type = :type${stamped ? ', lb = :lb' : ''}`,
        ...(stamped ? { ConditionExpression: 'attribute_not_exists(lb) OR lb < :lb' } : {}),
        ExpressionAttributeNames: { '#url': 'url', '#type': 'type' },
        ExpressionAttributeValues: { ':by': options.by ?? 1, ':url': url, ':type': ItemType.hitCounter, ...(stamped ? { ':lb': options.stamp } : {}) },
      }),
    );
  } catch (error) {
    if (stamped && isConditionFailed(error)) return; // applied before the crash
    throw error;
  }
}
