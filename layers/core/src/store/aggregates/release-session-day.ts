import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { TableContext } from '../client';
import { keys } from '../keys';

export interface SessionDayRelease {
  readonly site: string;
  readonly day: string;
  readonly sessionHash: string;
  /** The event hashes this claim added (not those that were there before). */
  readonly eventHashes: readonly string[];
  readonly pageHashes: readonly string[];
  /** This claim created the marker: forget that the session was seen. */
  readonly forgetSession: boolean;
  /** This claim set the visitor hash: forget it, so the next delivery claims the visitor marker again. */
  readonly forgetVisitor: boolean;
}

/**
 * Takes back what a claim added when the day's counters could not be written, so the redelivered
 * events are counted then (DELETE from the sets; an emptied set disappears). 1 write unit.
 * @example await releaseSessionDay(table, { site, day, sessionHash, eventHashes, pageHashes, forgetSession: true, forgetVisitor: false })
 */
export async function releaseSessionDay(table: TableContext, release: SessionDayRelease): Promise<void> {
  const deletes: string[] = [];
  const removes: string[] = [];
  const values: Record<string, unknown> = {};
  if (release.eventHashes.length > 0) {
    deletes.push('ev :ev');
    values[':ev'] = new Set(release.eventHashes);
  }
  if (release.pageHashes.length > 0) {
    deletes.push('pg :pg');
    values[':pg'] = new Set(release.pageHashes);
  }
  if (release.forgetSession) removes.push('seen');
  if (release.forgetVisitor) removes.push('vid');
  if (deletes.length === 0 && removes.length === 0) return;
  const expression = [deletes.length > 0 ? `DELETE ${deletes.join(', ')}` : '', removes.length > 0 ? `REMOVE ${removes.join(', ')}` : ''].filter(Boolean).join(' ');
  await table.client.send(
    new UpdateCommand({
      TableName: table.tableName,
      Key: keys.sessionDayMarker(release.site, release.day, release.sessionHash),
      UpdateExpression: expression,
      ...(Object.keys(values).length > 0 ? { ExpressionAttributeValues: values } : {}),
    }),
  );
}
