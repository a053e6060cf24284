import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionFailed, type TableContext } from '../client';
import { ItemType, keys } from '../keys';
import { getSalt } from './get-salt';

/**
 * Stores a day's salt unless one exists, and returns the salt that is stored: a conditional put
 * (`attribute_not_exists(pk)`), so concurrent cold starts agree on one salt; the loser reads the
 * winner's. TTL at `expiresAt` (the end of the next day). 1 write unit, once per day.
 * @example await createSalt(table, '2026-11-22', randomBytes(32), expiresAtEpochSeconds)
 */
export async function createSalt(table: TableContext, day: string, salt: Buffer, expiresAt: number): Promise<Buffer> {
  try {
    await table.client.send(
      new PutCommand({
        TableName: table.tableName,
        Item: { ...keys.salt(day), type: ItemType.salt, salt: salt.toString('base64url'), expiresAt },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return salt;
  } catch (error) {
    if (!isConditionFailed(error)) throw error;
  }
  const stored = await getSalt(table, day);
  if (stored === undefined) throw new Error(`the salt of ${day} vanished right after it was created`);
  return stored;
}
