import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { TableContext } from '../client';
import { expiresAt, ItemType, keys } from '../keys';

export interface SessionDayClaim {
  readonly site: string;
  readonly day: string;
  readonly sessionHash: string;
  /** Hashes of the events to count; already-present ones were counted by an earlier delivery. */
  readonly eventHashes: readonly string[];
  /** Hashes of the pages the events viewed. */
  readonly pageHashes: readonly string[];
  /** Set when the events carry a visitorId: remembered so the visitor marker is claimed once per session and day. */
  readonly visitorHash?: string;
  /** UTC `HHMM` of the group's latest event: remembered as the session's last active minute (the realtime count). */
  readonly minute?: string;
  readonly now: Date;
  readonly retentionDays: number;
}

export interface SessionDayMarker {
  /** No marker existed: the session's first counted events that day. */
  readonly newSession: boolean;
  readonly countedEvents: ReadonlySet<string>;
  readonly countedPages: ReadonlySet<string>;
  /** The marker already had a visitor hash: the visitor marker was claimed for this session before. */
  readonly visitorChecked: boolean;
  /** The session's last active minute (`HHMM`) before this claim, if it had one that day. */
  readonly lastMinute?: string;
}

const strings = (value: unknown): ReadonlySet<string> => (value instanceof Set ? (value as Set<string>) : new Set());

/**
 * The aggregation's (site, day, session) marker in one UpdateItem: ADD the events' and pages' hashes
 * to its sets and answer, from `ALL_OLD`, which of them were there before. That single write is both
 * the idempotency record of every event of the group and the unique-session test of every page, and
 * it moves the session's last active minute (`lm`), which the realtime count needs, at no extra write.
 * 1 write unit while the marker stays under 1 KB (about 50 events and pages of one session a day).
 * @example const marker = await claimSessionDay(table, { site, day, sessionHash, eventHashes, pageHashes, now, retentionDays: 22 })
 */
export async function claimSessionDay(table: TableContext, claim: SessionDayClaim): Promise<SessionDayMarker> {
  const values: Record<string, unknown> = {
    ':ev': new Set(claim.eventHashes),
    ':now': claim.now.toISOString(),
    // Counted from the later of the day and this claim: an old event's marker outlives its redeliveries too.
    ':exp': expiresAt(new Date(Math.max(Date.parse(`${claim.day}T00:00:00.000Z`), claim.now.getTime())), claim.retentionDays),
    ':type': ItemType.sessionDayMarker,
  };
  const set = ['seen = if_not_exists(seen, :now)', 'expiresAt = :exp', '#type = :type'];
  const adds = ['ev :ev'];
  if (claim.pageHashes.length > 0) {
    values[':pg'] = new Set(claim.pageHashes);
    adds.push('pg :pg');
  }
  if (claim.minute !== undefined) {
    values[':lm'] = claim.minute;
    set.push('lm = :lm');
  }
  if (claim.visitorHash !== undefined) {
    values[':vid'] = claim.visitorHash;
    set.push('vid = if_not_exists(vid, :vid)');
  }
  const result = await table.client.send(
    new UpdateCommand({
      TableName: table.tableName,
      Key: keys.sessionDayMarker(claim.site, claim.day, claim.sessionHash),
      UpdateExpression: `SET ${set.join(', ')} ADD ${adds.join(', ')}`,
      ExpressionAttributeNames: { '#type': 'type' },
      ExpressionAttributeValues: values,
      ReturnValues: 'ALL_OLD',
    }),
  );
  const old = result.Attributes;
  return {
    newSession: old?.seen === undefined,
    countedEvents: strings(old?.ev),
    countedPages: strings(old?.pg),
    visitorChecked: old?.vid !== undefined,
    lastMinute: typeof old?.lm === 'string' ? old.lm : undefined,
  };
}
