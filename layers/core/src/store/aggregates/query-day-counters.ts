import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { TableContext } from '../client';
import { aggregatePartition, DAY_PREFIX } from '../keys';

/**
 * Every day-counters and drop-counters item of a site between two UTC days (inclusive): one Query
 * on the site's partition, `sk BETWEEN 'D#<from>' AND 'D#<to>#~'`, paginated (a year of days is a
 * few pages at most). Eventually consistent: 0.5 read units per 4 KB.
 * @example const items = await queryDayCounters(table, 'shop.example', '2026-11-01', '2026-11-30')
 */
export async function queryDayCounters(table: TableContext, site: string, from: string, to: string): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await table.client.send(
      new QueryCommand({
        TableName: table.tableName,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        ExpressionAttributeValues: { ':pk': aggregatePartition(site), ':from': `${DAY_PREFIX}${from}`, ':to': `${DAY_PREFIX}${to}#~` },
        ExclusiveStartKey: start,
      }),
    );
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start !== undefined);
  return items;
}
