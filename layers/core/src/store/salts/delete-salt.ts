import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import type { TableContext } from '../client';
import { keys } from '../keys';

/**
 * Deletes a day's salt (the day before yesterday's, when today's is created), so a salt is gone
 * after 48 hours even though DynamoDB's TTL may delete expired items days late. 1 write unit.
 * @example await deleteSalt(table, '2026-11-20')
 */
export async function deleteSalt(table: TableContext, day: string): Promise<void> {
  await table.client.send(new DeleteCommand({ TableName: table.tableName, Key: keys.salt(day) }));
}
