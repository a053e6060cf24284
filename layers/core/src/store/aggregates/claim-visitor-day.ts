import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { TableContext } from '../client';
import { expiresAt, ItemType, keys } from '../keys';

export interface VisitorDayClaim {
  readonly site: string;
  readonly day: string;
  readonly visitorHash: string;
  /** Stored so only this claim can take the marker back (releaseVisitorDay). */
  readonly token: string;
  /**
   * The claiming session may be used for returning devices (a visitorId, no GPC): the marker then
   * carries `dv`, and only such days answer findEarlierVisitorDay. @default false
   */
  readonly device?: boolean;
  readonly retentionDays: number;
  readonly now?: Date;
}

export interface VisitorDayOutcome {
  /** This call created the marker (`ALL_OLD` empty): the visitor is new that day. */
  readonly created: boolean;
  /** The marker already had `dv`: a session that may be used for returning devices showed the visitorId that day. */
  readonly deviceSeen: boolean;
}

/**
 * The (site, visitor, day) marker: created by the first session of a visitorId that day. Answers
 * whether this call created it (`ALL_OLD` empty), the marker-then-counter test of unique visitors,
 * and whether a device session (`dv`) had claimed it before.
 * The marker lives `retentionDays` (90: DEVICE_RETENTION_DAYS) from the later of its day and the
 * claim, because it is also the record findEarlierVisitorDay looks back on. 1 write unit.
 * @example const { created } = await claimVisitorDay(table, { site, day, visitorHash, token, device: true, retentionDays: 90 })
 */
export async function claimVisitorDay(table: TableContext, claim: VisitorDayClaim): Promise<VisitorDayOutcome> {
  const values: Record<string, unknown> = {
    ':token': claim.token,
    ':exp': expiresAt(new Date(Math.max(Date.parse(`${claim.day}T00:00:00.000Z`), (claim.now ?? new Date()).getTime())), claim.retentionDays),
    ':type': ItemType.visitorDayMarker,
  };
  const set = ['seen = if_not_exists(seen, :token)', 'expiresAt = :exp', '#type = :type'];
  if (claim.device === true) {
    values[':dv'] = true;
    set.push('dv = :dv');
  }
  const result = await table.client.send(
    new UpdateCommand({
      TableName: table.tableName,
      Key: keys.visitorDayMarker(claim.site, claim.day, claim.visitorHash),
      UpdateExpression: `SET ${set.join(', ')}`,
      ExpressionAttributeNames: { '#type': 'type' },
      ExpressionAttributeValues: values,
      ReturnValues: 'ALL_OLD',
    }),
  );
  return { created: result.Attributes?.seen === undefined, deviceSeen: result.Attributes?.dv === true };
}
