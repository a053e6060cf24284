import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { TableContext } from '../client';
import { expiresAt, ItemType, keys } from '../keys';

/**
 * The (site, device) marker of returning-device recognition: remembers the first session hash a
 * device key (a hashed browser visitorId or request fingerprint) was seen with, and answers
 * whether it was seen before with another session. Written only for a session whose cookie is new
 * (the caller decides), so a device costs one write per new cookie, not per event. `SET s =
 * if_not_exists(s, :sid)` keeps the first session, which makes a redelivered claim answer the same.
 * Each write moves the expiry on. 1 write unit.
 * @example const seenBefore = await claimDevice(table, { site, deviceHash, sessionHash, now, retentionDays: 90 })
 */
export async function claimDevice(
  table: TableContext,
  claim: { site: string; deviceHash: string; sessionHash: string; now: Date; retentionDays: number },
): Promise<boolean> {
  const result = await table.client.send(
    new UpdateCommand({
      TableName: table.tableName,
      Key: keys.deviceMarker(claim.site, claim.deviceHash),
      UpdateExpression: 'SET s = if_not_exists(s, :sid), expiresAt = :exp, #type = :type',
      ExpressionAttributeNames: { '#type': 'type' },
      ExpressionAttributeValues: { ':sid': claim.sessionHash, ':exp': expiresAt(claim.now, claim.retentionDays), ':type': ItemType.deviceMarker },
      ReturnValues: 'ALL_OLD',
    }),
  );
  const first = result.Attributes?.s;
  return typeof first === 'string' && first !== claim.sessionHash;
}
