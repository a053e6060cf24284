import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { TableContext } from '../client';
import { ItemType, keys } from '../keys';

/** Realtime minute items expire an hour after their minute: the count reads only the last 5 minutes. */
export const REALTIME_RETENTION_SECONDS = 3600;

/**
 * Adds short visitor hashes to a site's item of one UTC minute (`ADD v :set`: a redelivery adds
 * nothing new). 1 write unit while the item stays under 1 KB (about 90 visitors in that minute).
 * @example await addRealtimeVisitors(table, 'shop.example', '2026-11-22T10:07', ['Ab3dE9xQ'])
 */
export async function addRealtimeVisitors(table: TableContext, site: string, minute: string, hashes: readonly string[]): Promise<void> {
  if (hashes.length === 0) return;
  await table.client.send(
    new UpdateCommand({
      TableName: table.tableName,
      Key: keys.realtimeMinute(site, minute),
      UpdateExpression: 'SET expiresAt = :exp, #type = :type ADD v :v',
      ExpressionAttributeNames: { '#type': 'type' },
      ExpressionAttributeValues: {
        ':v': new Set(hashes),
        ':exp': Math.floor(Date.parse(`${minute}:00.000Z`) / 1000) + REALTIME_RETENTION_SECONDS,
        ':type': ItemType.realtimeMinute,
      },
    }),
  );
}
