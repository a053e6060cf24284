import fc from 'fast-check';
import { ProviderRelayError, type ForwardEvent } from '../../../../../layers/core/src/forwarding/event';
import { httpPost } from '../../../../../layers/core/src/forwarding/http-post';
import { matomoProvider, matomoVisitorId, type MatomoOptions } from '../../../../../layers/core/src/forwarding/providers/matomo';
import { arbitraryForwardEvent, CHROME_UA, forwardEvent } from '../../../../helpers/forward-event-factory';
import { useProviderStub } from '../../../../helpers/provider-stub';

const TOKEN = 'matomo-token-0123456789abcdef';
const stub = useProviderStub({ matomoToken: TOKEN });

function provider(overrides: Partial<MatomoOptions> = {}) {
  return matomoProvider({ url: stub.baseUrl, siteId: 7, timeoutMs: 2000, ...overrides }, httpPost);
}

function sentRequests(): { body: { requests: string[]; token_auth?: string }; params: URLSearchParams[] }[] {
  return stub.acceptedRequests('matomo').map((request) => {
    const body = JSON.parse(request.body) as { requests: string[]; token_auth?: string };
    return { body, params: body.requests.map((query) => new URLSearchParams(query.slice(1))) };
  });
}

async function relayError(promise: Promise<unknown>): Promise<ProviderRelayError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(ProviderRelayError);
  return error as ProviderRelayError;
}

describe('matomoProvider()', () => {
  afterEach(() => {
    expect(stub.violations).toEqual([]);
  });

  it('maps a pageview to a tracking request with the documented parameters', async () => {
    const event = forwardEvent({ userId: 'user-42' });
    await provider().send([event]);

    const [{ body, params: [params] = [] } = { body: { requests: [] }, params: [] }] = sentRequests();
    expect(body.token_auth).toBeUndefined();
    expect(params?.get('idsite')).toBe('7');
    expect(params?.get('rec')).toBe('1');
    expect(params?.get('apiv')).toBe('1');
    expect(params?.get('send_image')).toBe('0');
    expect(params?.get('_id')).toBe(matomoVisitorId(event, 'matomo:7'));
    expect(params?.get('_id')).toMatch(/^[0-9a-f]{16}$/);
    expect(params?.get('url')).toBe(event.url);
    expect(params?.get('urlref')).toBe(event.referrer);
    expect(params?.get('action_name')).toBe('Product 42');
    expect(params?.get('ua')).toBe(CHROME_UA);
    expect(params?.get('lang')).toBe('en-US');
    expect(params?.get('uid')).toBe('user-42');
    expect(params?.get('cdt')).toBe(String(Math.floor(Date.parse(event.at) / 1000)));
    expect(params?.get('rand')).toBe(event.eventId);
    // Without token_auth: no cip, cid or country.
    for (const key of ['cip', 'cid', 'country', 'ca', 'e_c']) expect(params?.has(key)).toBe(false);
    expect(stub.acceptedIds('matomo')).toEqual([event.eventId]);
  });

  it('adds cip, cid and country only with token_auth, which goes in the bulk body', async () => {
    const event = forwardEvent();
    await provider({ tokenAuth: TOKEN }).send([event]);
    const [sent] = sentRequests();
    expect(sent?.body.token_auth).toBe(TOKEN);
    const params = sent?.params[0];
    expect(params?.get('cip')).toBe('203.0.113.0');
    expect(params?.get('cid')).toBe(params?.get('_id'));
    expect(params?.get('country')).toBe('de');
    expect(sent?.body.requests[0]).not.toContain(TOKEN);
  });

  it('maps custom events and activity to Matomo events', async () => {
    const custom = forwardEvent({ kind: 'event', name: 'signup', props: { category: 'account', label: 'pro plan', value: 49 } });
    const plain = forwardEvent({ kind: 'event', name: 'download' });
    const activity = forwardEvent({ kind: 'activity', name: 'activity', url: undefined, path: '/account/settings' });
    await provider().send([custom, plain, activity]);
    const [first, second, third] = sentRequests()[0]?.params ?? [];
    expect([first?.get('ca'), first?.get('e_c'), first?.get('e_a'), first?.get('e_n'), first?.get('e_v')]).toEqual(['1', 'account', 'signup', 'pro plan', '49']);
    expect([second?.get('e_c'), second?.get('e_a'), second?.has('e_n'), second?.has('e_v')]).toEqual(['event', 'download', false, false]);
    expect([third?.get('e_c'), third?.get('e_a'), third?.get('e_n')]).toEqual(['activity', 'activity', '/account/settings']);
    expect(first?.has('action_name')).toBe(false);
  });

  it('sends one HTTP request per send(), whatever the batch size', async () => {
    const events = Array.from({ length: 120 }, (_, i) => forwardEvent({ visitorId: `v${i % 7}` }));
    await provider().send(events);
    expect(stub.requestCounts.matomo).toBe(1);
    expect(sentRequests()[0]?.body.requests).toHaveLength(120);
    expect(stub.acceptedIds('matomo').sort()).toEqual(events.map((e) => e.eventId).sort());
  });

  it('drops events older than 24 h without token_auth, and backdates them with it', async () => {
    const drops: string[] = [];
    const old = forwardEvent({ at: new Date(Date.now() - 25 * 3600_000).toISOString() });
    const fresh = forwardEvent({ at: new Date(Date.now() - 23 * 3600_000).toISOString() });
    await provider({ onDrop: (reason) => drops.push(reason) }).send([old, fresh]);
    expect(drops).toEqual(['too_old_without_token']);
    expect(stub.acceptedIds('matomo')).toEqual([fresh.eventId]);

    stub.reset();
    await provider({ tokenAuth: TOKEN }).send([old]);
    expect(sentRequests()[0]?.params[0]?.get('cdt')).toBe(String(Math.floor(Date.parse(old.at) / 1000)));
  });

  it('sends nothing when nothing is left', async () => {
    await provider().send([]);
    expect(stub.requestCounts.matomo).toBe(0);
  });

  it('a wrong token_auth is a non-retryable error that does not reveal the token', async () => {
    const error = await relayError(provider({ tokenAuth: 'wrong-token-123456' }).send([forwardEvent()]));
    expect(error.retryable).toBe(false);
    expect(error.message).not.toContain('wrong-token');
  });

  describe('error mapping', () => {
    it.each([
      [503, undefined, true, undefined],
      [429, '30', true, 30],
      [400, undefined, false, undefined],
    ])('HTTP %i (Retry-After %s) is retryable=%s', async (status, retryAfter, retryable, retryAfterSeconds) => {
      stub.failNext({ kind: 'status', status, retryAfter }, 'matomo');
      const error = await relayError(provider({ tokenAuth: TOKEN }).send([forwardEvent()]));
      expect(error.retryable).toBe(retryable);
      expect(error.retryAfterSeconds).toBe(retryAfterSeconds);
      expect(error.message).not.toContain(TOKEN);
    });

    it('a slow answer times out as retryable and records nothing', async () => {
      stub.failNext({ kind: 'slow', delayMs: 300 }, 'matomo');
      const error = await relayError(provider({ timeoutMs: 100 }).send([forwardEvent()]));
      expect(error.retryable).toBe(true);
      // Once the stub's delay is over it sees the client gave up and commits nothing.
      await new Promise((resolve) => setTimeout(resolve, 400));
      expect(stub.requestCounts.matomo).toBe(1);
      expect(stub.acceptedIds('matomo')).toEqual([]);
    });

    it('a reset connection is retryable', async () => {
      stub.failNext({ kind: 'reset' }, 'matomo');
      expect((await relayError(provider().send([forwardEvent()]))).retryable).toBe(true);
    });
  });

  it('fuzz: any events give one valid bulk request or a ProviderRelayError', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(arbitraryForwardEvent, { minLength: 1, maxLength: 30 }), fc.boolean(), async (events: ForwardEvent[], withToken) => {
        stub.reset();
        try {
          await provider(withToken ? { tokenAuth: TOKEN } : {}).send(events);
        } catch (error) {
          expect(error).toBeInstanceOf(ProviderRelayError);
        }
        expect(stub.violations).toEqual([]);
        expect(stub.requestCounts.matomo).toBeLessThanOrEqual(1);
      }),
      { numRuns: 60 },
    );
  });
});
