import { getHitCounts, MAX_URLS_PER_READ } from '../../../../../layers/core/src/store/hits/get-hit-counts';
import { incrementHitCounter } from '../../../../../layers/core/src/store/hits/increment-hit-counter';
import { useDynaliteTable } from '../table-fixture';

describe('getHitCounts()', () => {
  const db = useDynaliteTable();

  it('returns the stored counts and 0 for unknown urls', async () => {
    const known = 'https://site.example/known';
    await incrementHitCounter(db().table, known);
    await incrementHitCounter(db().table, known);
    const counts = await getHitCounts(db().table, [known, 'https://site.example/unknown', known]);
    expect(Object.fromEntries(counts)).toEqual({ [known]: 2, 'https://site.example/unknown': 0 });
  });

  it('reads 100 urls in one call and never creates an item', async () => {
    const urls = Array.from({ length: MAX_URLS_PER_READ }, (_, index) => `https://site.example/never-${index}`);
    const before = await db().scan();
    const counts = await getHitCounts(db().table, urls);
    expect(counts.size).toBe(100);
    expect([...counts.values()].every((count) => count === 0)).toBe(true);
    expect(await db().scan()).toEqual(before);
  });

  it('throws for more than 100 distinct urls (duplicates do not count)', async () => {
    const urls = Array.from({ length: 101 }, (_, index) => `https://site.example/too-many-${index}`);
    await expect(getHitCounts(db().table, urls)).rejects.toThrow(RangeError);
    const duplicated = [...urls.slice(0, 100), urls[0] as string];
    await expect(getHitCounts(db().table, duplicated)).resolves.toHaveProperty('size', 100);
  });

  it('answers an empty list without a read', async () => {
    expect((await getHitCounts(db().table, [])).size).toBe(0);
  });
});
