import type { CloudFrontRequestEvent, KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import { formatRealtimeLogLine } from '../../layers/core/src/edge/realtime-log';
import { EDGE_HEADERS } from '../../layers/core/src/edge/viewer-request';
import { CHROME_NAVIGATION_HEADERS, edgeprintHeaderNames, headerValue, kinesisEventOf, viewerRequestEvent, viewerRequestFixture } from '../helpers/cloudfront';
import { collectJson, freshSessionId, scanTable, useLocalStack } from '../helpers/local-stack';

// The real handler modules, as Lambda runs them; the edge one reads its baked configuration on first use.
const { handler: edge } = require('../../functions/edge/handler') as { handler: (event: CloudFrontRequestEvent) => Promise<CloudFrontRequestEvent['Records'][number]['cf']['request']> };
const { handler: ingest } = require('../../functions/edge-ingest/handler') as { handler: (event: KinesisStreamEvent) => Promise<KinesisStreamBatchResponse> };

const VIEWER_IP = '198.51.100.23';

describe('handler() (functions/edge)', () => {
  // trustProxy: the local API takes the client IP from X-Forwarded-For, so both paths see the same viewer address.
  const stack = useLocalStack({ trustProxy: true, env: { EDGEPRINT_EDGE_RULES: JSON.stringify({ siteId: 'shop' }) } });
  beforeAll(() => {
    // What esbuild's define does for a deployed bundle.
    (globalThis as Record<string, unknown>).__EDGEPRINT_EDGE_CONFIG__ = { secret: stack().env.EDGEPRINT_SECRET, siteId: 'shop' };
  });
  afterAll(() => {
    delete (globalThis as Record<string, unknown>).__EDGEPRINT_EDGE_CONFIG__;
  });

  it('stamps a recorded navigation and removes the spoofed headers', async () => {
    const result = await edge(viewerRequestFixture('chrome-navigation'));
    expect(headerValue(result.headers, EDGE_HEADERS.fingerprint)).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(headerValue(result.headers, EDGE_HEADERS.session)).toBe('AbCdEfGhIjKlMnOpQrStUv');
    expect(JSON.stringify(result.headers)).not.toContain('spoofed-by-the-viewer');
    expect(edgeprintHeaderNames((await edge(viewerRequestFixture('admin'))).headers)).toEqual([]);
  });

  it('gives the id the regional API stores for the same browser, and the recording path stores it too', async () => {
    const session = freshSessionId();
    const stamped = await edge(viewerRequestEvent({ clientIp: VIEWER_IP, uri: '/landing', headers: { ...CHROME_NAVIGATION_HEADERS, Host: 'shop.example' } }));
    const edgeId = headerValue(stamped.headers, EDGE_HEADERS.fingerprint);

    // The same browser's beacon to /v1/collect: the real collect handler through the local API.
    const { 'sec-fetch-dest': _dest, 'sec-fetch-mode': _mode, accept: _accept, ...beaconHeaders } = CHROME_NAVIGATION_HEADERS;
    const response = await collectJson(
      stack(),
      { id: 'visitor-edge-1', url: 'https://shop.example/landing' },
      { session, headers: { ...beaconHeaders, 'x-forwarded-for': VIEWER_IP } },
    );
    expect(response.status).toBe(204);

    // The same navigation as CloudFront's real-time log records it, through the real ingest handler.
    const line = formatRealtimeLogLine({
      at: new Date(),
      clientIp: VIEWER_IP,
      status: 200,
      method: 'GET',
      protocol: 'https',
      host: 'shop.example',
      uri: '/landing',
      requestId: 'edge-test-landing',
      headers: [['Host', 'shop.example'], ...Object.entries(CHROME_NAVIGATION_HEADERS), ['Cookie', `ep_sid=${session}`]],
    });
    expect(await ingest(kinesisEventOf([line]))).toEqual({ batchItemFailures: [] });

    const items = (await scanTable(stack())).filter((item) => item.pk === `S#${session}`);
    const stored = items.flatMap((item) => (item.sk === 'SESSION' ? [item.first as Record<string, unknown>] : [item])).filter((item) => item.fp !== undefined);
    expect(stored.map((item) => item.type).sort()).toEqual(['browser_event', 'request_fingerprint']);
    for (const item of stored) expect(item.fp).toBe(edgeId);
  });
});
