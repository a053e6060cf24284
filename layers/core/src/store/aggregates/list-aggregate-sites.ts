import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { TableContext } from '../client';
import { AGGREGATE_SITES } from '../keys';

export interface AggregateSite {
  readonly site: string;
  readonly firstDay?: string;
  readonly lastDay?: string;
}

/** The dashboard lists at most this many sites. */
export const MAX_SITES = 1000;

/**
 * The sites that have aggregates: one Query of the `AGGSITES` partition (paginated, at most 1000).
 * @example const sites = await listAggregateSites(table) // [{ site: 'shop.example', lastDay: '2026-11-22', … }]
 */
export async function listAggregateSites(table: TableContext): Promise<AggregateSite[]> {
  const sites: AggregateSite[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await table.client.send(
      new QueryCommand({
        TableName: table.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': AGGREGATE_SITES },
        ExclusiveStartKey: start,
      }),
    );
    for (const item of page.Items ?? []) {
      if (typeof item.sk !== 'string') continue;
      sites.push({
        site: item.sk,
        firstDay: typeof item.firstDay === 'string' ? item.firstDay : undefined,
        lastDay: typeof item.lastDay === 'string' ? item.lastDay : undefined,
      });
    }
    start = sites.length >= MAX_SITES ? undefined : page.LastEvaluatedKey;
  } while (start !== undefined);
  return sites.slice(0, MAX_SITES);
}
