import fc from 'fast-check';
import { ProviderRelayError, type ForwardEvent } from '../../../../../layers/core/src/forwarding/event';
import { httpPost } from '../../../../../layers/core/src/forwarding/http-post';
import { plausibleProvider, pseudonymousIp, type PlausibleOptions } from '../../../../../layers/core/src/forwarding/providers/plausible';
import { PartialRelayError } from '../../../../../layers/core/src/forwarding/providers/relay';
import { arbitraryForwardEvent, CHROME_UA, forwardEvent } from '../../../../helpers/forward-event-factory';
import { useProviderStub } from '../../../../helpers/provider-stub';

const stub = useProviderStub();

function provider(overrides: Partial<PlausibleOptions> = {}) {
  return plausibleProvider({ url: stub.baseUrl, domain: 'shop.example.com', timeoutMs: 2000, ...overrides }, httpPost);
}

interface PlausibleBody {
  name: string;
  url: string;
  domain: string;
  referrer?: string;
  props?: Record<string, string>;
}

function sent(): { headers: Record<string, string | string[] | undefined>; body: PlausibleBody }[] {
  return stub.acceptedRequests('plausible').map((request) => ({ headers: request.headers, body: JSON.parse(request.body) as PlausibleBody }));
}

async function relayError(promise: Promise<unknown>): Promise<ProviderRelayError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(ProviderRelayError);
  return error as ProviderRelayError;
}

describe('plausibleProvider()', () => {
  afterEach(() => {
    expect(stub.violations).toEqual([]);
  });

  it('sends one event per request with the visitor User-Agent and X-Forwarded-For', async () => {
    const pageview = forwardEvent();
    const custom = forwardEvent({ kind: 'event', name: 'signup', props: { plan: 'pro', seats: 3, trial: true } });
    await provider().send([pageview, custom]);

    expect(stub.requestCounts.plausible).toBe(2);
    const byName = new Map(sent().map((request) => [request.body.name, request]));
    const page = byName.get('pageview');
    expect(page?.headers['user-agent']).toBe(CHROME_UA);
    expect(page?.headers['x-forwarded-for']).toBe('203.0.113.0');
    expect(page?.body).toEqual({ name: 'pageview', url: pageview.url, domain: 'shop.example.com', referrer: pageview.referrer });
    expect(byName.get('signup')?.body.props).toEqual({ plan: 'pro', seats: '3', trial: 'true' });
    expect(stub.acceptedIds('plausible').sort()).toEqual([pageview.eventId, custom.eventId].sort());
  });

  it('never sends the request fingerprint or client hint headers', async () => {
    await provider().send([forwardEvent()]);
    const headers = Object.keys(sent()[0]?.headers ?? {});
    expect(headers.filter((name) => /fingerprint|sec-ch-|cookie|x-edgeprint-(session|bot)/i.test(name))).toEqual([]);
  });

  it('uses a pseudonymous documentation-range address when no IP is stored, or drops the event when told to', async () => {
    const event = forwardEvent({ ip: undefined });
    await provider().send([event]);
    const address = sent()[0]?.headers['x-forwarded-for'];
    expect(address).toBe(pseudonymousIp(event, 'plausible:shop.example.com'));
    expect(address).toMatch(/^2001:db8:/);

    stub.reset();
    const drops: string[] = [];
    await provider({ pseudonymousIpWhenMissing: false, onDrop: (reason) => drops.push(reason) }).send([event]);
    expect(drops).toEqual(['no_ip']);
    expect(stub.requestCounts.plausible).toBe(0);
  });

  it('drops events without a user agent or an absolute URL', async () => {
    const drops: string[] = [];
    await provider({ onDrop: (reason) => drops.push(reason) }).send([
      forwardEvent({ userAgent: undefined }),
      forwardEvent({ userAgent: '\u00e9\u00e9' }),
      forwardEvent({ url: undefined }),
      forwardEvent({ url: '/relative' }),
    ]);
    expect(drops).toEqual(['no_user_agent', 'no_user_agent', 'no_url', 'no_url']);
    expect(stub.requestCounts.plausible).toBe(0);
  });

  it('caps props at 30 and sends activity paths as a prop', async () => {
    const props = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`k${i}`, `v${i}`]));
    await provider().send([forwardEvent({ kind: 'event', name: 'big', props }), forwardEvent({ kind: 'activity', name: 'activity', path: '/account' })]);
    const byName = new Map(sent().map((request) => [request.body.name, request.body]));
    expect(Object.keys(byName.get('big')?.props ?? {})).toHaveLength(30);
    expect(byName.get('activity')?.props).toEqual({ path: '/account' });
  });

  describe('error mapping', () => {
    it.each([
      [503, undefined, true, undefined],
      [429, '12', true, 12],
      [400, undefined, false, undefined],
    ])('HTTP %i (Retry-After %s) is retryable=%s', async (status, retryAfter, retryable, retryAfterSeconds) => {
      stub.failNext({ kind: 'status', status, retryAfter }, 'plausible');
      const error = await relayError(provider().send([forwardEvent()]));
      expect(error.retryable).toBe(retryable);
      expect(error.retryAfterSeconds).toBe(retryAfterSeconds);
    });

    it('a slow answer times out as retryable', async () => {
      stub.failNext({ kind: 'slow', delayMs: 1500 }, 'plausible');
      expect((await relayError(provider({ timeoutMs: 200 }).send([forwardEvent()]))).retryable).toBe(true);
    });

    it('a reset connection is retryable', async () => {
      stub.failNext({ kind: 'reset' }, 'plausible');
      expect((await relayError(provider().send([forwardEvent()]))).retryable).toBe(true);
    });

    it('names the undelivered events when some of a batch failed', async () => {
      const events = Array.from({ length: 5 }, () => forwardEvent());
      stub.failNext({ kind: 'status', status: 503 }, 'plausible', { after: 2 });
      const error = await relayError(provider({ concurrency: 1 }).send(events));
      expect(error).toBeInstanceOf(PartialRelayError);
      expect((error as PartialRelayError).undeliveredEventIds).toEqual(events.slice(2).map((e) => e.eventId));
      expect(stub.acceptedIds('plausible')).toEqual(events.slice(0, 2).map((e) => e.eventId));
    });
  });

  it('fuzz: any events give valid Plausible requests or a ProviderRelayError', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(arbitraryForwardEvent, { minLength: 1, maxLength: 15 }), async (events: ForwardEvent[]) => {
        stub.reset();
        try {
          await provider().send(events);
        } catch (error) {
          expect(error).toBeInstanceOf(ProviderRelayError);
        }
        expect(stub.violations).toEqual([]);
      }),
      { numRuns: 40 },
    );
  });
});
