import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DeviceSighting } from '../../domain/devices';
import { isConditionFailed, type TableContext } from '../client';
import { expiresAt, ItemType, keys } from '../keys';

/**
 * Records that a user was seen on devices: one UpdateItem per device item (`USER#<userId>` /
 * `DEV#<kind>#<id>`), `firstSeen` kept with if_not_exists, `lastSeen` moved forward only, TTL renewed
 * from `lastSeen`. 1 write unit per device in the usual case; a sighting older than the item's
 * `firstSeen` (linking an old session) costs one more to move `firstSeen` back.
 * @example await touchDevices(table, 'user-42', deviceSightings(record), 395)
 */
export async function touchDevices(table: TableContext, userId: string, sightings: readonly DeviceSighting[], retentionDays: number): Promise<void> {
  await Promise.all(sightings.map((sighting) => touchDevice(table, userId, sighting, retentionDays)));
}

async function touchDevice(table: TableContext, userId: string, sighting: DeviceSighting, retentionDays: number): Promise<void> {
  const key = keys.userDevice(userId, sighting.kind, sighting.id);
  const optional: Record<string, string | number | undefined> = { userAgent: sighting.userAgent, country: sighting.country, fpv: sighting.version };
  const present = Object.entries(optional).filter(([, value]) => value !== undefined);
  let oldFirstSeen: unknown;
  try {
    const result = await table.client.send(
      new UpdateCommand({
        TableName: table.tableName,
        Key: key,
        UpdateExpression:
          'SET #type = :type, kind = :kind, deviceId = :id, lastSeen = :last, firstSeen = if_not_exists(firstSeen, :first), expiresAt = :expires' +
          present.map(([name]) => `, ${name} = :${name}`).join(''),
        ConditionExpression: 'attribute_not_exists(lastSeen) OR lastSeen <= :last',
        ExpressionAttributeNames: { '#type': 'type' },
        ExpressionAttributeValues: {
          ':type': ItemType.device,
          ':kind': sighting.kind,
          ':id': sighting.id,
          ':last': sighting.lastSeen,
          ':first': sighting.firstSeen,
          ':expires': expiresAt(new Date(sighting.lastSeen), retentionDays),
          ...Object.fromEntries(present.map(([name, value]) => [`:${name}`, value])),
        },
        ReturnValues: 'ALL_OLD',
      }),
    );
    oldFirstSeen = result.Attributes?.firstSeen;
    if (typeof oldFirstSeen !== 'string' || oldFirstSeen <= sighting.firstSeen) return;
  } catch (error) {
    // A later sighting is stored already: only firstSeen may still move back.
    if (!isConditionFailed(error)) throw error;
  }
  try {
    await table.client.send(
      new UpdateCommand({
        TableName: table.tableName,
        Key: key,
        UpdateExpression: 'SET firstSeen = :first',
        ConditionExpression: 'firstSeen > :first',
        ExpressionAttributeValues: { ':first': sighting.firstSeen },
      }),
    );
  } catch (error) {
    if (!isConditionFailed(error)) throw error;
  }
}
