import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { PersistedDropReason } from '../../aggregates/counters';
import type { TableContext } from '../client';
import { ItemType, keys } from '../keys';

/**
 * Counts one dropped request (a bot, or a GPC visitor in `drop` mode) on the site's drop counters of
 * that day: one ADD on a small item beside the day counters. 1 write unit.
 * @example await addDropCount(table, 'shop.example', '2026-11-22', 'bot')
 */
export async function addDropCount(table: TableContext, site: string, day: string, reason: PersistedDropReason, by = 1): Promise<void> {
  await table.client.send(
    new UpdateCommand({
      TableName: table.tableName,
      Key: keys.dayDrops(site, day),
      UpdateExpression: 'SET #type = :type, #site = :site, #day = :day ADD #reason :by',
      ExpressionAttributeNames: { '#type': 'type', '#site': 'site', '#day': 'day', '#reason': reason },
      ExpressionAttributeValues: { ':type': ItemType.dayDrops, ':site': site, ':day': day, ':by': by },
    }),
  );
}
