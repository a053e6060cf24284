import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { TableContext } from '../client';
import { ItemType, keys } from '../keys';

/** Atomic ADD on the url's unique-session counter. 1 write unit. Counters hold no personal data and never expire. */
export async function incrementHitCounter(table: TableContext, url: string): Promise<void> {
  await table.client.send(
    new UpdateCommand({
      TableName: table.tableName,
      Key: keys.hitCounter(url),
      UpdateExpression: 'ADD hits :one SET #url = :url, #type = :type',
      ExpressionAttributeNames: { '#url': 'url', '#type': 'type' },
      ExpressionAttributeValues: { ':one': 1, ':url': url, ':type': ItemType.hitCounter },
    }),
  );
}
