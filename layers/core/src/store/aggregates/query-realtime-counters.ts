import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { TableContext } from '../client';
import { aggregatePartition, DAY_PREFIX } from '../keys';

/**
 * The realtime minute counters (`t<HHMM>`) of a site's day items: one Query over the one or two day
 * items the minutes live on (two only in the first minutes after midnight), reading only those
 * attributes. Eventually consistent, 0.5 read units.
 * @example const counts = await queryRealtimeCounters(table, 'shop.example', [{ day: '2026-11-22', name: 't1007' }]) // [3]
 */
export async function queryRealtimeCounters(table: TableContext, site: string, minutes: readonly { day: string; name: string }[]): Promise<number[]> {
  if (minutes.length === 0) return [];
  const days = [...new Set(minutes.map((minute) => minute.day))].sort();
  const names: Record<string, string> = {};
  minutes.forEach((minute, index) => {
    names[`#t${index}`] = minute.name;
  });
  const page = await table.client.send(
    new QueryCommand({
      TableName: table.tableName,
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ProjectionExpression: ['sk', ...Object.keys(names)].join(', '),
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: { ':pk': aggregatePartition(site), ':from': `${DAY_PREFIX}${days[0]}`, ':to': `${DAY_PREFIX}${days.at(-1)}` },
    }),
  );
  const items = new Map((page.Items ?? []).map((item) => [String(item.sk), item]));
  return minutes.map((minute) => {
    const value = items.get(`${DAY_PREFIX}${minute.day}`)?.[minute.name];
    return typeof value === 'number' && Number.isFinite(value) ? value : 0;
  });
}
