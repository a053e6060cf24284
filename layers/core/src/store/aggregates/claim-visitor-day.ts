import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { TableContext } from '../client';
import { expiresAt, ItemType, keys } from '../keys';

/**
 * The (site, day, visitor) marker: created by the first session of a visitorId that day. Answers
 * whether this call created it (`ALL_OLD` empty), the marker-then-counter test of unique visitors.
 * `token` is stored so only this claim can take it back (releaseVisitorDay). 1 write unit.
 * @example const isNew = await claimVisitorDay(table, { site, day, visitorHash, token, retentionDays: 22 })
 */
export async function claimVisitorDay(
  table: TableContext,
  claim: { site: string; day: string; visitorHash: string; token: string; retentionDays: number; now?: Date },
): Promise<boolean> {
  const result = await table.client.send(
    new UpdateCommand({
      TableName: table.tableName,
      Key: keys.visitorDayMarker(claim.site, claim.day, claim.visitorHash),
      UpdateExpression: 'SET seen = if_not_exists(seen, :token), expiresAt = :exp, #type = :type',
      ExpressionAttributeNames: { '#type': 'type' },
      ExpressionAttributeValues: {
        ':token': claim.token,
        ':exp': expiresAt(new Date(Math.max(Date.parse(`${claim.day}T00:00:00.000Z`), (claim.now ?? new Date()).getTime())), claim.retentionDays),
        ':type': ItemType.visitorDayMarker,
      },
      ReturnValues: 'ALL_OLD',
    }),
  );
  return result.Attributes?.seen === undefined;
}
