import { ConfigError } from '../../../../../layers/core/src/errors';
import { ProviderRelayError, type ForwardEvent, type Provider } from '../../../../../layers/core/src/forwarding/event';
import { httpPost } from '../../../../../layers/core/src/forwarding/http-post';
import { parseProviderConfig, PartialRelayError, providersFromConfig } from '../../../../../layers/core/src/forwarding/providers';
import { forwardEvent } from '../../../../helpers/forward-event-factory';
import { useProviderStub } from '../../../../helpers/provider-stub';

const WEBHOOK_SECRET = 'whsec-0123456789abcdef';
const stub = useProviderStub({ webhookSecret: WEBHOOK_SECRET });

describe('providersFromConfig()', () => {
  it('builds nothing from an empty config', () => {
    expect(providersFromConfig({}, httpPost)).toEqual([]);
  });

  it('builds every configured provider, and each delivers to its stub', async () => {
    const providers = providersFromConfig(
      {
        ga4: { measurementId: 'G-ABCDEF12', apiSecret: 'ga4-secret-123', endpoint: stub.baseUrl },
        matomo: { url: stub.baseUrl, siteId: 3 },
        plausible: { url: stub.baseUrl, domain: 'shop.example.com' },
        webhook: { url: `${stub.baseUrl}/webhook`, secret: WEBHOOK_SECRET },
      },
      httpPost,
    );
    expect(providers.map((p) => p.name)).toEqual(['ga4', 'matomo', 'plausible', 'webhook']);
    const event = forwardEvent();
    for (const provider of providers) await provider.send([event]);
    expect(stub.violations).toEqual([]);
    for (const name of ['ga4', 'matomo', 'plausible', 'webhook'] as const) expect(stub.acceptedIds(name)).toEqual([event.eventId]);
    // No adapter passes on fingerprint, client-hint or cookie headers.
    const headerNames = stub.requests.flatMap((request) => Object.keys(request.headers));
    expect(headerNames.filter((name) => /fingerprint|^sec-ch-|cookie|x-edgeprint-(session|bot)/i.test(name))).toEqual([]);
  });

  it('over a flaky network, retrying only undelivered events delivers each event exactly once', async () => {
    const providers = providersFromConfig(
      {
        ga4: { measurementId: 'G-ABCDEF12', apiSecret: 'ga4-secret-123', endpoint: stub.baseUrl, timeoutMs: 1000 },
        matomo: { url: stub.baseUrl, siteId: 3, timeoutMs: 1000 },
        plausible: { url: stub.baseUrl, domain: 'shop.example.com', timeoutMs: 1000 },
        webhook: { url: `${stub.baseUrl}/webhook`, secret: WEBHOOK_SECRET, maxBatchSize: 20, timeoutMs: 1000 },
      },
      httpPost,
    );
    stub.failRandomly({
      rate: 0.3,
      seed: 42,
      faults: [{ kind: 'status', status: 503 }, { kind: 'status', status: 429, retryAfter: '1' }, { kind: 'reset' }, { kind: 'slow', delayMs: 1500 }],
    });
    const events = Array.from({ length: 120 }, (_, i) => forwardEvent({ visitorId: `visitor-${i % 9}` }));

    // A stand-in for the forwarder's retry loop (Retry-After is not waited for, to keep the test short).
    const deliver = async (provider: Provider) => {
      let pending: ForwardEvent[] = events;
      for (let attempt = 0; pending.length > 0; attempt += 1) {
        if (attempt > 40) throw new Error(`${provider.name}: still ${pending.length} undelivered`);
        try {
          await provider.send(pending);
          pending = [];
        } catch (error) {
          expect(error).toBeInstanceOf(ProviderRelayError);
          expect((error as ProviderRelayError).retryable).toBe(true);
          const undelivered = error instanceof PartialRelayError ? new Set(error.undeliveredEventIds) : undefined;
          if (undelivered !== undefined) pending = pending.filter((event) => undelivered.has(event.eventId));
        }
      }
    };
    await Promise.all(providers.map(deliver));
    // Let abandoned slow requests finish on the stub side before counting. The timeout is far above a
    // normal answer even on a loaded machine: a request that succeeded late would be a real duplicate.
    await new Promise((resolve) => setTimeout(resolve, 1600));

    expect(stub.violations).toEqual([]);
    expect(Object.values(stub.faultCounts).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    for (const name of ['ga4', 'matomo', 'plausible', 'webhook'] as const) {
      expect(stub.acceptedIds(name).sort()).toEqual(events.map((e) => e.eventId).sort());
      expect(stub.duplicates(name)).toEqual([]);
    }
  });

  it('reports drops with the provider name', async () => {
    const drops: string[] = [];
    const [plausible] = providersFromConfig({ plausible: { url: stub.baseUrl, domain: 'shop.example.com' } }, httpPost, {
      onDrop: (provider, reason) => drops.push(`${provider}:${reason}`),
    });
    await plausible?.send([forwardEvent({ url: undefined })]);
    expect(drops).toEqual(['plausible:no_url']);
  });
});

describe('parseProviderConfig()', () => {
  it('fills defaults', () => {
    expect(parseProviderConfig({ ga4: { measurementId: 'G-ABCDEF12', apiSecret: 'ga4-secret-123' } }).ga4).toMatchObject({ region: 'global', debug: false, sendIp: false });
  });

  it.each([
    ['an unknown provider', { mixpanel: {} }],
    ['an unknown field', { webhook: { url: 'https://h.example.com/x', secret: WEBHOOK_SECRET, extra: 1 } }],
    ['a bad measurement id', { ga4: { measurementId: 'UA-1234-1', apiSecret: 'ga4-secret-123' } }],
    ['plain http to a remote host', { matomo: { url: 'http://matomo.example.com', siteId: 1 } }],
    ['credentials in the URL', { matomo: { url: 'https://u:p@matomo.example.com', siteId: 1 } }],
    ['a site id that is not a positive integer', { matomo: { url: 'https://matomo.example.com', siteId: 0 } }],
    ['a short webhook secret', { webhook: { url: 'https://h.example.com/x', secret: 'short' } }],
    ['a non-object', 'ga4'],
  ])('rejects %s with a ConfigError', (_case, config) => {
    expect(() => parseProviderConfig(config)).toThrow(ConfigError);
  });

  it('never echoes secret values in its errors', () => {
    const secret = 'do-not-print-me-123';
    let message = '';
    try {
      parseProviderConfig({ webhook: { url: 'ftp://h.example.com', secret }, ga4: { measurementId: 'bad', apiSecret: secret } });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('webhook.url');
    expect(message).toContain('ga4.measurementId');
    expect(message).not.toContain(secret);
  });
});
