import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { UserDeviceInfo } from '../../domain/users';
import type { TableContext } from '../client';
import { DEVICE_PREFIX, userPartition } from '../keys';
import type { StorePage } from '../users/list-user-sessions';

/** A device item as stored: the domain's view of it, nothing more. */
export type StoredDevice = UserDeviceInfo;

/**
 * One page of a user's device items: one Query (`pk = USER#<userId>`, `begins_with(sk, 'DEV#')`),
 * `after` being the previous page's last `<kind>#<id>`. No scan and no read per session.
 * @example await listUserDevices(table, 'user-42', { limit: 50 })
 */
export async function listUserDevices(
  table: TableContext,
  userId: string,
  page: { limit: number; after?: string },
): Promise<StorePage<StoredDevice>> {
  const pk = userPartition(userId);
  const result = await table.client.send(
    new QueryCommand({
      TableName: table.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': pk, ':prefix': DEVICE_PREFIX },
      Limit: page.limit,
      ExclusiveStartKey: page.after === undefined ? undefined : { pk, sk: `${DEVICE_PREFIX}${page.after}` },
    }),
  );
  const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
  const items = (result.Items ?? []).map((item): StoredDevice => ({
    kind: item.kind === 'browser' ? 'browser' : 'request',
    id: String(item.deviceId),
    firstSeen: text(item.firstSeen),
    lastSeen: text(item.lastSeen),
    userAgent: text(item.userAgent),
    country: text(item.country),
    version: typeof item.fpv === 'number' ? item.fpv : undefined,
  }));
  const lastKey = result.LastEvaluatedKey;
  return { items, last: lastKey === undefined ? undefined : String(lastKey.sk).slice(DEVICE_PREFIX.length) };
}
