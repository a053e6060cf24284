import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { TableContext } from '../client';
import { DAY_PREFIX, visitorDaysPartition } from '../keys';
import { shiftDay } from '../../aggregates/site-day';

/**
 * Whether a visitorId was counted, by a session that may be used for returning devices (`dv`), on
 * an earlier day within the look-back: `day - lookBackDays` to the day before `day`. A read, not a
 * write: one Query on the visitor's own partition (its day markers, claimVisitorDay), newest first,
 * `Limit` 1, strongly consistent (1 read unit). Only when that day's marker came from GPC sessions
 * alone (no `dv`) does it read on, filtered, until a day with `dv` or the window's end. The window is
 * bounded by the key condition, so a marker that outlived its TTL (DynamoDB deletes lazily) never answers.
 * @example const seen = await findEarlierVisitorDay(table, { site, visitorHash, day: '2026-11-22', lookBackDays: 90 })
 */
export async function findEarlierVisitorDay(
  table: TableContext,
  query: { readonly site: string; readonly visitorHash: string; readonly day: string; readonly lookBackDays: number },
): Promise<boolean> {
  const values = {
    ':pk': visitorDaysPartition(query.site, query.visitorHash),
    ':from': `${DAY_PREFIX}${shiftDay(query.day, -query.lookBackDays)}`,
    ':to': `${DAY_PREFIX}${shiftDay(query.day, -1)}`,
  };
  const first = await table.client.send(
    new QueryCommand({
      TableName: table.tableName,
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ProjectionExpression: 'sk, dv',
      ExpressionAttributeValues: values,
      ScanIndexForward: false,
      Limit: 1,
      ConsistentRead: true,
    }),
  );
  const latest = first.Items?.[0];
  if (latest === undefined) return false;
  if (latest.dv === true) return true;
  // The latest earlier day was GPC only: look further back for a day that counts.
  let start = first.LastEvaluatedKey;
  while (start !== undefined) {
    const page = await table.client.send(
      new QueryCommand({
        TableName: table.tableName,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        FilterExpression: 'dv = :dv',
        ProjectionExpression: 'sk',
        ExpressionAttributeValues: { ...values, ':dv': true },
        ScanIndexForward: false,
        Limit: 30,
        ConsistentRead: true,
        ExclusiveStartKey: start,
      }),
    );
    if ((page.Items ?? []).length > 0) return true;
    start = page.LastEvaluatedKey;
  }
  return false;
}
