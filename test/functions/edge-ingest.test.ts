import type { KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import { kinesisEventFixture, kinesisEventOf, logLinesFixture } from '../helpers/cloudfront';
import { countItems, hitsFor, scanTable, useLocalStack } from '../helpers/local-stack';

const { handler } = require('../../functions/edge-ingest/handler') as { handler: (event: KinesisStreamEvent) => Promise<KinesisStreamBatchResponse> };

const PAGE = 'https://shop.example/articles/edge?utm_source=news';

describe('handler() (functions/edge-ingest)', () => {
  const stack = useLocalStack({ env: { EDGEPRINT_EDGE_RULES: JSON.stringify({ siteId: 'shop' }) } });

  it('records the recorded Kinesis event: two navigations, one malformed record acknowledged', async () => {
    expect(await handler(kinesisEventFixture())).toEqual({ batchItemFailures: [] });
    expect(await hitsFor(stack(), [PAGE])).toEqual({ [PAGE]: 2 });
    const sessions = (await scanTable(stack())).filter((item) => item.sk === 'SESSION').map((item) => item.sessionId);
    expect(sessions.sort()).toEqual(['AbCdEfGhIjKlMnOpQrStUv', 'BbCdEfGhIjKlMnOpQrStUv']);
  });

  it('counts only successful navigations, one hit per session and url, whatever is redelivered', async () => {
    const lines = logLinesFixture('lines');
    expect(await handler(kinesisEventOf(lines))).toEqual({ batchItemFailures: [] });
    expect(await handler(kinesisEventOf([...lines].reverse()))).toEqual({ batchItemFailures: [] });
    expect(await hitsFor(stack(), [PAGE, 'https://shop.example/api/cart', 'https://shop.example/checkout'])).toEqual({
      [PAGE]: 4,
      'https://shop.example/api/cart': 0,
      'https://shop.example/checkout': 0,
    });
  });

  it('never throws on malformed or empty input', async () => {
    const before = await countItems(stack());
    await expect(handler(kinesisEventOf(logLinesFixture('malformed')))).resolves.toEqual({ batchItemFailures: [] });
    await expect(handler({ Records: [] })).resolves.toEqual({ batchItemFailures: [] });
    await expect(handler({} as KinesisStreamEvent)).resolves.toEqual({ batchItemFailures: [] });
    expect(await countItems(stack())).toBe(before);
  });
});
