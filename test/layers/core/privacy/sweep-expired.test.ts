import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { sweepExpired } from '../../../../layers/core/src/privacy/sweep-expired';
import { useDynaliteTable } from '../store/table-fixture';

describe('sweepExpired()', () => {
  const db = useDynaliteTable();
  const NOW = new Date('2027-06-01T00:00:00.000Z');
  const epoch = (date: Date) => Math.floor(date.getTime() / 1000);

  async function put(pk: string, expiresAt?: number): Promise<void> {
    await db().table.client.send(new PutCommand({ TableName: db().table.tableName, Item: { pk, sk: 'X', type: 'test', ...(expiresAt === undefined ? {} : { expiresAt }) } }));
  }

  it('deletes exactly the items whose expiresAt lies before now, over several scan pages', async () => {
    for (let index = 0; index < 12; index += 1) await put(`EXPIRED#${index}`, epoch(NOW) - 1 - index * 86400);
    for (let index = 0; index < 5; index += 1) await put(`FRESH#${index}`, epoch(NOW) + 1 + index);
    await put('EXACTLY-NOW', epoch(NOW));
    await put('COUNTER'); // no TTL: hit counters are never swept

    const report = await sweepExpired(db().table, NOW, { pageSize: 5 });

    expect(report).toEqual({ scanned: 19, deleted: 12 });
    expect((await db().scan()).map((item) => item.pk).sort()).toEqual(['COUNTER', 'EXACTLY-NOW', 'FRESH#0', 'FRESH#1', 'FRESH#2', 'FRESH#3', 'FRESH#4']);
  });

  it('removes an item once its time has come, and nothing on a second sweep', async () => {
    expect(await sweepExpired(db().table, NOW)).toMatchObject({ deleted: 0 });
    const later = new Date(NOW.getTime() + 10 * 1000);
    expect(await sweepExpired(db().table, later)).toMatchObject({ deleted: 6 });
    expect((await db().scan()).map((item) => item.pk)).toEqual(['COUNTER']);
  });
});
