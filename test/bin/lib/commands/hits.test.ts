import { hitCounts, hitsCommand } from '../../../../bin/lib/commands/hits';
import { incrementHitCounter } from '../../../../layers/core/src/store/hits/increment-hit-counter';
import { memoryIo, useTestTable } from '../../cli-helpers';

const table = useTestTable();

/** 250 counted urls: url i has (i % 3) + 1 hits. */
const URLS = Array.from({ length: 250 }, (_, i) => `https://shop.example/p/${i}?q=${i}`);
const hitsOf = (i: number) => (i % 3) + 1;

beforeAll(async () => {
  for (let round = 1; round <= 3; round += 1) {
    await Promise.all(URLS.map((url, i) => (hitsOf(i) >= round ? incrementHitCounter(table().table, url) : undefined)));
  }
});

describe('hitCounts()', () => {
  it('reads 250 urls in three BatchGetItem calls, one per 100 urls, with their counts', async () => {
    const batchGets: number[] = [];
    table().table.client.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'BatchGetItemCommand') batchGets.push(Object.values((args.input as { RequestItems: Record<string, { Keys: unknown[] }> }).RequestItems)[0]!.Keys.length);
        return next(args);
      },
      { step: 'initialize', name: 'countBatchGetsForTest' },
    );
    try {
      const counts = await hitCounts(table().table, URLS.map((url) => ({ given: url, canonical: url })));
      expect(batchGets).toEqual([100, 100, 50]);
      expect(counts.size).toBe(250);
      URLS.forEach((url, i) => expect(counts.get(url)).toBe(hitsOf(i)));
    } finally {
      table().table.client.middlewareStack.remove('countBatchGetsForTest');
    }
  });
});

describe('hitsCommand', () => {
  it('prints one "count<TAB>url" line per url as given, normalised like the API, unknown urls 0', async () => {
    const io = memoryIo();
    const given = ['HTTPS://Shop.Example:443/p/4?q=4', 'https://shop.example/never-seen', URLS[0]!];
    await hitsCommand.run(table().target, hitsCommand.parse({}, given), io);
    expect(io.out()).toBe(`${hitsOf(4)}\t${given[0]}\n0\thttps://shop.example/never-seen\n${hitsOf(0)}\t${URLS[0]}\n`);
  });

  it('prints the API\'s JSON shape with --json', async () => {
    const io = memoryIo();
    await hitsCommand.run(table().target, hitsCommand.parse({ json: true }, [URLS[1]!]), io);
    expect(JSON.parse(io.out())).toEqual({ counts: { [URLS[1]!]: hitsOf(1) } });
  });

  it('refuses no url, a relative url or a non-http scheme before reading anything', () => {
    expect(() => hitsCommand.parse({}, [])).toThrow('give at least one url');
    expect(() => hitsCommand.parse({}, ['/relative', 'ftp://x.example/'])).toThrow(/"\/relative" is not an absolute http\(s\) URL[\s\S]*"ftp:\/\/x.example\/"/);
  });
});
