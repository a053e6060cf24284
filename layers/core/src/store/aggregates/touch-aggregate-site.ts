import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionFailed, type TableContext } from '../client';
import { ItemType, keys } from '../keys';

async function conditionalSet(table: TableContext, site: string, day: string, update: string, condition: string): Promise<boolean> {
  try {
    await table.client.send(
      new UpdateCommand({
        TableName: table.tableName,
        Key: keys.aggregateSite(site),
        UpdateExpression: update,
        ConditionExpression: condition,
        ...(update.includes('#type') ? { ExpressionAttributeNames: { '#type': 'type' } } : {}),
        ExpressionAttributeValues: update.includes(':type') ? { ':day': day, ':type': ItemType.aggregateSite } : { ':day': day },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailed(error)) return false;
    throw error;
  }
}

/**
 * Lists a site for the dashboard (`AGGSITES` / `<site>`) with the first and latest day it has
 * aggregates for: `lastDay` only moves forward; when it does not, `firstDay` may move back (a late
 * event of an older day). The aggregator calls it once per site and day per cold start.
 * 1 write unit, 2 for a day older than the latest.
 * @example await touchAggregateSite(table, 'shop.example', '2026-11-22')
 */
export async function touchAggregateSite(table: TableContext, site: string, day: string): Promise<void> {
  const moved = await conditionalSet(
    table,
    site,
    day,
    'SET lastDay = :day, firstDay = if_not_exists(firstDay, :day), #type = :type',
    'attribute_not_exists(lastDay) OR lastDay < :day',
  );
  if (!moved) await conditionalSet(table, site, day, 'SET firstDay = :day', 'firstDay > :day');
}
