import { randomBytes } from 'node:crypto';
import { createSalt } from '../../../../../layers/core/src/store/salts/create-salt';
import { deleteSalt } from '../../../../../layers/core/src/store/salts/delete-salt';
import { getSalt } from '../../../../../layers/core/src/store/salts/get-salt';
import { useDynaliteTable } from '../table-fixture';

describe('createSalt()', () => {
  const db = useDynaliteTable();

  it('stores the first salt of a day and hands every later caller that one', async () => {
    const first = randomBytes(32);
    const second = randomBytes(32);
    const expires = Date.parse('2031-01-03T00:00:00Z') / 1000;
    const results = await Promise.all([createSalt(db().table, '2031-01-01', first, expires), createSalt(db().table, '2031-01-01', second, expires)]);
    expect(results[0]?.equals(results[1] as Buffer)).toBe(true);
    expect([first.toString('hex'), second.toString('hex')]).toContain(results[0]?.toString('hex'));
    expect((await getSalt(db().table, '2031-01-01'))?.equals(results[0] as Buffer)).toBe(true);
    expect(await db().getItem({ pk: 'SALT', sk: '2031-01-01' })).toMatchObject({ type: 'salt', expiresAt: expires });
  });

  it('is gone after deleteSalt()', async () => {
    await createSalt(db().table, '2031-02-01', randomBytes(32), 1);
    await deleteSalt(db().table, '2031-02-01');
    expect(await getSalt(db().table, '2031-02-01')).toBeUndefined();
  });
});
