import { resolveSettings } from '../../../../infra/lib/config';
import { consumerBatching, FORWARDER_BATCH, forwarderEnvironment } from '../../../../infra/lib/constructs/queue-to-forwarder';
import { forwarderFromEnvironment } from '../../../../layers/core/src/forwarding/forwarder-runtime';

describe('forwarderEnvironment()', () => {
  it('produces variables the forwarder runtime starts from, with the configured providers and attempt limit', async () => {
    const { forwarding } = resolveSettings({
      forwarding: {
        providers: {
          plausible: { url: 'https://plausible.io', domain: 'shop.example' },
          matomo: { url: 'https://matomo.shop.example', siteId: 3 },
        },
        honorDnt: false,
        excludePaths: ['/admin'],
        idempotencyWindowSeconds: 3600,
      },
    });
    const dependencies = await forwarderFromEnvironment({
      ...forwarderEnvironment(forwarding, 5),
      EDGEPRINT_IDEMPOTENCY_TABLE: 'edgeprint-ledger',
      EDGEPRINT_DLQ_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/edgeprint-dlq',
      AWS_REGION: 'eu-west-1',
    });
    expect(dependencies.providers.map((provider) => provider.name).sort()).toEqual(['matomo', 'plausible']);
    expect(dependencies.maxAttempts).toBe(5);
  });

  it('passes only the options that are set, and never a secret', () => {
    const environment = forwarderEnvironment(resolveSettings({}).forwarding, 5);
    expect(environment).toEqual({ EDGEPRINT_PROVIDERS: '{}', EDGEPRINT_MAX_ATTEMPTS: '5' });
  });
});

describe('consumerBatching()', () => {
  it('takes the batch size and window from the settings, else the deployed default', () => {
    expect(consumerBatching(resolveSettings({}).forwarding)).toEqual(FORWARDER_BATCH);
    expect(consumerBatching(resolveSettings({ forwarding: { batchSize: 100, batchWindowSeconds: 5 } }).forwarding)).toEqual({ batchSize: 100, maxBatchingWindowSeconds: 5 });
  });
});
