import { dirname } from 'node:path';
import { closeFinishedIterators } from '../../../infra/local/embedded-dynamodb';

/**
 * dynalite closes a Query's or Scan's iterator only through `iterator.return()`; abstract-level 3's
 * iterators lacked it, so every Query left a LevelDB iterator (and its snapshot) open and the local
 * stack's memory grew without bound under writes (issue 11; figures in docs/benchmarks.md).
 */
describe('closeFinishedIterators()', () => {
  const fromDynalite = (name: string) => require(require.resolve(name, { paths: [dirname(require.resolve('dynalite'))] }));

  it('gives the iterators dynalite uses a return() that closes them', async () => {
    closeFinishedIterators();
    const { MemoryLevel } = fromDynalite('memory-level') as { MemoryLevel: new (options: object) => any };
    const db = new MemoryLevel({ valueEncoding: 'json' });
    await db.open();
    await db.batch(Array.from({ length: 5 }, (_, index) => ({ type: 'put', key: `k${index}`, value: index })));
    for (const make of [() => db.keys(), () => db.values(), () => db.iterator()]) {
      const iterator = make();
      expect(typeof iterator.return).toBe('function');
      while ((await iterator.next()) !== undefined);
      await iterator.return();
      // Closed: reading again is refused, as after close().
      await expect(iterator.next()).rejects.toThrow(/not open|closed/i);
    }
    await db.close();
  });
});
