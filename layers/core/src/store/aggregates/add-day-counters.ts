import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionFailed, type TableContext } from '../client';
import { isRealtimeCounter } from '../../aggregates/counters';
import { staleRealtimeCounters } from '../../aggregates/realtime';
import { ItemType, keys } from '../keys';

/**
 * Adds a batch's increments to a site's counters of one day in one UpdateItem (`ADD` on one
 * attribute per counter), so every increment of the batch for that (site, day) lands together or
 * not at all. Also keeps `la`, the time of the latest event counted (the dashboard's "catching up"
 * hint), and removes the realtime minute counters that fell out of the window. Returns the write units DynamoDB reports: the item's size in KB, which the caller watches.
 * @example const units = await addDayCounters(table, 'shop.example', '2026-11-22', new Map([['pv', 3]]), '2026-11-22T10:00:00.000Z')
 */
export async function addDayCounters(
  table: TableContext,
  site: string,
  day: string,
  increments: ReadonlyMap<string, number>,
  latestAt: string,
  /** The local journaled consumer's write stamp: applied only if no write with this or a later stamp was (replay-safe). */
  stamp?: number,
): Promise<number | undefined> {
  const names: Record<string, string> = { '#type': 'type', '#site': 'site', '#day': 'day' };
  const values: Record<string, unknown> = { ':type': ItemType.dayCounters, ':site': site, ':day': day, ':la': latestAt };
  const adds: string[] = [];
  let index = 0;
  for (const [name, by] of increments) {
    if (by === 0) continue;
    names[`#c${index}`] = name;
    values[`:c${index}`] = by;
    adds.push(`#c${index} :c${index}`);
    index += 1;
  }
  // Realtime minute counters older than the window are dropped by the same write, so the item never collects a day of them.
  const minutes = [...increments.keys()].filter(isRealtimeCounter).sort();
  const removes = minutes.length === 0 ? [] : staleRealtimeCounters(minutes.at(-1)!).filter((name) => !increments.has(name));
  removes.forEach((name, at) => {
    names[`#r${at}`] = name;
  });
  const remove = removes.length > 0 ? ` REMOVE ${removes.map((_, at) => `#r${at}`).join(', ')}` : '';
  if (stamp !== undefined) values[':lb'] = stamp;
  try {
    const result = await table.client.send(
      new UpdateCommand({
        TableName: table.tableName,
        Key: keys.dayCounters(site, day),
        UpdateExpression: `SET #type = :type, #site = :site, #day = :day, la = :la${stamp === undefined ? '' : ', lb = :lb'}${remove}${adds.length > 0 ? ` ADD ${adds.join(', ')}` : ''}`,
        ...(stamp === undefined ? {} : { ConditionExpression: 'attribute_not_exists(lb) OR lb < :lb' }),
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );
    return result.ConsumedCapacity?.CapacityUnits;
  } catch (error) {
    if (stamp !== undefined && isConditionFailed(error)) return undefined; // applied before the crash
    throw error;
  }
}
