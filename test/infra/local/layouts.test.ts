import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalStack, type LocalStack } from '../../../infra/local/local-stack';
import { BROWSER_UA } from '../../helpers/local-stack';
import { useProviderStub } from '../../helpers/provider-stub';

const WEBHOOK_SECRET = 'layouts-webhook-secret-0123456789ab';

/**
 * The local stack's thread layouts (EDGEPRINT_LOCAL_CONSUMER): the queue consumer on a worker thread
 * reaching the main thread's store over a MessagePort, and the worker owning the store too. Each one
 * records, counts and forwards a pageview exactly like the default layout, and the store-owning
 * thread keeps its data on disk across a restart. Real threads, real dynalite, a loopback webhook.
 */
describe.each(['thread', 'store-thread'])('EDGEPRINT_LOCAL_CONSUMER=%s', (layout) => {
  const stub = useProviderStub({ webhookSecret: WEBHOOK_SECRET });
  const saved = process.env.EDGEPRINT_LOCAL_CONSUMER;
  beforeAll(() => {
    process.env.EDGEPRINT_LOCAL_CONSUMER = layout;
  });
  afterAll(() => {
    if (saved === undefined) delete process.env.EDGEPRINT_LOCAL_CONSUMER;
    else process.env.EDGEPRINT_LOCAL_CONSUMER = saved;
  });

  const start = (dataDir: string) =>
    startLocalStack({
      port: 0,
      dataDir,
      demo: false,
      queue: { pollIntervalMs: 20 },
      env: { EDGEPRINT_PROVIDERS: JSON.stringify({ webhook: { url: `${stub.baseUrl}/webhook`, secret: WEBHOOK_SECRET } }), POWERTOOLS_LOG_LEVEL: 'ERROR' },
    });
  const pageview = (stack: LocalStack, url: string) =>
    fetch(`${stack.url}/v1/collect`, { method: 'POST', headers: { 'content-type': 'text/plain', 'user-agent': BROWSER_UA }, body: JSON.stringify({ url }) });
  const hits = async (stack: LocalStack, url: string) =>
    ((await (await fetch(`${stack.url}/v1/hits?url=${encodeURIComponent(url)}`)).json()) as { counts: Record<string, number> }).counts[url];

  it('records, counts and forwards each pageview once, and keeps them across a restart', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), `edgeprint-${layout}-`));
    const url = `https://layouts.example/${layout}`;
    try {
      const first = await start(dataDir);
      try {
        for (let index = 0; index < 3; index += 1) expect((await pageview(first, url)).status).toBe(204);
        await first.queue.drain(20_000);
        expect(await hits(first, url)).toBe(3);
        expect(stub.acceptedIds('webhook')).toHaveLength(3);
        expect(stub.duplicates('webhook')).toEqual([]);
      } finally {
        await first.close();
      }
      const second = await start(dataDir);
      try {
        expect(await hits(second, url)).toBe(3);
        expect((await pageview(second, url)).status).toBe(204);
        await second.queue.drain(20_000);
        expect(await hits(second, url)).toBe(4);
        expect(stub.acceptedIds('webhook')).toHaveLength(4);
      } finally {
        await second.close();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
