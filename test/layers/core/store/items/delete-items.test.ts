import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { deleteItems } from '../../../../../layers/core/src/store/items/delete-items';
import { getExistingKeys } from '../../../../../layers/core/src/store/items/get-existing-keys';
import { useDynaliteTable } from '../table-fixture';

describe('deleteItems()', () => {
  const db = useDynaliteTable();

  it('deletes more than one batch of keys, tolerates duplicates and missing items, and is repeatable', async () => {
    const keys = Array.from({ length: 60 }, (_, index) => ({ pk: `DEL#${index % 7}`, sk: `item#${index}` }));
    for (const key of keys) await db().table.client.send(new PutCommand({ TableName: db().table.tableName, Item: { ...key, type: 'test' } }));
    await db().table.client.send(new PutCommand({ TableName: db().table.tableName, Item: { pk: 'KEEP', sk: 'me' } }));
    await deleteItems(db().table, [...keys, ...keys.slice(0, 30), { pk: 'NEVER', sk: 'stored' }]);
    expect((await db().scan()).map((item) => item.pk)).toEqual(['KEEP']);
    await deleteItems(db().table, keys);
  });
});

describe('getExistingKeys()', () => {
  const db = useDynaliteTable();

  it('answers which of more than 100 keys exist, with their type', async () => {
    const keys = Array.from({ length: 130 }, (_, index) => ({ pk: `GET#${index}`, sk: 'x' }));
    for (const key of keys.filter((_, index) => index % 2 === 0)) await db().table.client.send(new PutCommand({ TableName: db().table.tableName, Item: { ...key, type: 'activity' } }));
    const existing = await getExistingKeys(db().table, [...keys, keys[0] as { pk: string; sk: string }]);
    expect(existing).toHaveLength(65);
    expect(new Set(existing.map((item) => item.type))).toEqual(new Set(['activity']));
  });
});
