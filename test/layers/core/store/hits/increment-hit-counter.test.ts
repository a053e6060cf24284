import { incrementHitCounter } from '../../../../../layers/core/src/store/hits/increment-hit-counter';
import { keys } from '../../../../../layers/core/src/store/keys';
import { useDynaliteTable } from '../table-fixture';

describe('incrementHitCounter()', () => {
  const db = useDynaliteTable();

  it('creates the counter on first use and adds one per call', async () => {
    const url = 'https://site.example/counted?x=1';
    await incrementHitCounter(db().table, url);
    expect(await db().getItem(keys.hitCounter(url))).toMatchObject({ type: 'hit_counter', url, hits: 1 });
    await incrementHitCounter(db().table, url);
    expect((await db().getItem(keys.hitCounter(url)))?.hits).toBe(2);
  });

  it('is atomic under parallel calls', async () => {
    const url = 'https://site.example/parallel';
    await Promise.all(Array.from({ length: 25 }, () => incrementHitCounter(db().table, url)));
    expect((await db().getItem(keys.hitCounter(url)))?.hits).toBe(25);
  });

  it('stores no expiry: counters hold no personal data', async () => {
    const url = 'https://site.example/no-ttl';
    await incrementHitCounter(db().table, url);
    expect(await db().getItem(keys.hitCounter(url))).not.toHaveProperty('expiresAt');
  });
});
