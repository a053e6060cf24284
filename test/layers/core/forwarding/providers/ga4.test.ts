import fc from 'fast-check';
import { ProviderRelayError, type ForwardEvent, type HttpPost } from '../../../../../layers/core/src/forwarding/event';
import { httpPost } from '../../../../../layers/core/src/forwarding/http-post';
import {
  ga4ClientId,
  ga4EventName,
  ga4Provider,
  isValidGa4EventName,
  isValidGa4ParamName,
  type Ga4Options,
} from '../../../../../layers/core/src/forwarding/providers/ga4';
import { PartialRelayError } from '../../../../../layers/core/src/forwarding/providers/relay';
import { arbitraryForwardEvent, forwardEvent } from '../../../../helpers/forward-event-factory';
import { useProviderStub } from '../../../../helpers/provider-stub';

const stub = useProviderStub();
const SECRET = 'ga4-api-secret-xyz';

function provider(overrides: Partial<Ga4Options> = {}, post: HttpPost = httpPost) {
  return ga4Provider({ measurementId: 'G-TEST1234', apiSecret: SECRET, endpoint: stub.baseUrl, timeoutMs: 2000, ...overrides }, post);
}

interface Ga4Body {
  client_id: string;
  user_id?: string;
  timestamp_micros: number;
  ip_override?: string;
  user_location?: { country_id: string };
  device?: { category?: string; language?: string };
  events: { name: string; timestamp_micros: number; params: Record<string, string | number> }[];
}

function bodies(): Ga4Body[] {
  return stub.acceptedRequests('ga4').map((request) => JSON.parse(request.body) as Ga4Body);
}

async function relayError(promise: Promise<unknown>): Promise<ProviderRelayError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(ProviderRelayError);
  return error as ProviderRelayError;
}

describe('ga4Provider()', () => {
  afterEach(() => {
    expect(stub.violations).toEqual([]);
  });

  it('sends a pageview with the session, page and user fields GA4 reports need', async () => {
    const event = forwardEvent();
    await provider().send([event]);

    const [request] = stub.acceptedRequests('ga4');
    expect(request?.path).toBe('/mp/collect');
    expect(request?.query.get('measurement_id')).toBe('G-TEST1234');
    expect(request?.query.get('api_secret')).toBe(SECRET);
    const [body] = bodies();
    expect(body?.client_id).toMatch(/^\d+\.\d+$/);
    expect(body?.client_id).toBe(ga4ClientId(event, 'G-TEST1234'));
    expect(JSON.stringify(body)).not.toContain(event.visitorId);
    expect(JSON.stringify(body)).not.toContain(event.sessionId);
    expect(body?.user_location).toEqual({ country_id: 'DE' });
    expect(body?.device).toEqual({ category: 'desktop', language: 'en-US' });
    expect(body?.ip_override).toBeUndefined();
    expect(body?.events).toHaveLength(1);
    const [sent] = body?.events ?? [];
    expect(sent?.name).toBe('page_view');
    expect(sent?.timestamp_micros).toBe(Date.parse(event.at) * 1000);
    expect(sent?.params).toMatchObject({
      page_location: event.url,
      page_referrer: event.referrer,
      page_title: event.title,
      engagement_time_msec: 1,
    });
    expect(sent?.params.session_id).toMatch(/^\d+$/);
    expect(stub.acceptedIds('ga4')).toEqual([event.eventId]);
  });

  it('keeps client_id stable per visitor, different per property, and falls back to the session', () => {
    const a = forwardEvent({ visitorId: 'visitor-a' });
    expect(ga4ClientId(a, 'G-ONE')).toBe(ga4ClientId(forwardEvent({ visitorId: 'visitor-a', sessionId: 'other' }), 'G-ONE'));
    expect(ga4ClientId(a, 'G-ONE')).not.toBe(ga4ClientId(a, 'G-TWO'));
    expect(ga4ClientId(forwardEvent({ visitorId: undefined, sessionId: 's1' }), 'G-ONE')).toMatch(/^\d+\.\d+$/);
    expect(ga4ClientId(forwardEvent({ visitorId: undefined, sessionId: undefined }), 'G-ONE')).toBeUndefined();
  });

  it('sends ip_override only when allowed and an IP is present', async () => {
    await provider({ sendIp: true }).send([forwardEvent({ ip: '198.51.100.0' }), forwardEvent({ visitorId: 'other', ip: undefined })]);
    const sent = bodies();
    expect(sent).toHaveLength(2);
    expect(sent.map((b) => b.ip_override).sort()).toEqual(['198.51.100.0', undefined]);

    stub.reset();
    await provider({ sendIp: false }).send([forwardEvent({ ip: '198.51.100.0' })]);
    expect(bodies()[0]?.ip_override).toBeUndefined();
  });

  it('splits 60 events of one client into 3 requests of at most 25', async () => {
    const events = Array.from({ length: 60 }, () => forwardEvent());
    await provider().send(events);
    expect(stub.requestCounts.ga4).toBe(3);
    expect(bodies().map((b) => b.events.length)).toEqual([25, 25, 10]);
    expect(new Set(bodies().map((b) => b.client_id)).size).toBe(1);
    expect(stub.acceptedIds('ga4').sort()).toEqual(events.map((e) => e.eventId).sort());
    expect(stub.duplicates('ga4')).toEqual([]);
  });

  it('groups events by client, so each request carries one client_id', async () => {
    const a = Array.from({ length: 30 }, () => forwardEvent({ visitorId: 'a' }));
    const b = Array.from({ length: 5 }, () => forwardEvent({ visitorId: 'b' }));
    await provider().send([...a.slice(0, 10), ...b, ...a.slice(10)]);
    expect(bodies().map((body) => body.events.length)).toEqual([25, 5, 5]);
    expect(bodies()[0]?.client_id).toBe(bodies()[1]?.client_id);
    expect(bodies()[2]?.client_id).not.toBe(bodies()[0]?.client_id);
  });

  it('repairs names and enforces the param limits before sending', async () => {
    const props: Record<string, string | number | boolean> = {};
    for (let i = 0; i < 40; i += 1) props[`prop_${String(i).padStart(2, '0')}`] = 'v'.repeat(150);
    Object.assign(props, { ga_reserved: 'x', _private: 'x', firebase_x: 'x', session_id: 'forged', 'has space': true });
    const events = [
      forwardEvent({ kind: 'event', name: 'Add to cart!', props }),
      forwardEvent({ kind: 'event', name: 'session_start' }),
      forwardEvent({ kind: 'event', name: '9lives' }),
      forwardEvent({ kind: 'event', name: 'x'.repeat(60) }),
      forwardEvent({ url: `https://shop.example.com/${'p'.repeat(1500)}`, title: 't'.repeat(400), userId: 'u'.repeat(300) }),
    ];
    await provider().send(events);

    const sent = bodies().flatMap((b) => b.events);
    expect(sent.map((e) => e.name)).toEqual(['Add_to_cart_', 'ev_session_start', 'ev_9lives', 'x'.repeat(40), 'page_view']);
    for (const event of sent) {
      expect(isValidGa4EventName(event.name) || event.name === 'page_view').toBe(true);
      expect(Object.keys(event.params).length).toBeLessThanOrEqual(25);
    }
    const first = sent[0]?.params ?? {};
    expect(Object.keys(first)).toHaveLength(25);
    expect(first.session_id).not.toBe('forged');
    expect(Object.keys(first).filter((key) => key.startsWith('ga_') || key.startsWith('_') || key.startsWith('firebase_'))).toEqual([]);
    expect(first.prop_00).toHaveLength(100);
    const last = sent[4]?.params ?? {};
    expect(String(last.page_location)).toHaveLength(1000);
    expect(String(last.page_title)).toHaveLength(300);
    expect(bodies().every((b) => b.user_id === undefined)).toBe(true);
  });

  it('drops events it cannot attribute or that are too old for GA4, and reports why', async () => {
    const drops: [string, string][] = [];
    const orphan = forwardEvent({ visitorId: undefined, sessionId: undefined });
    const old = forwardEvent({ at: new Date(Date.now() - 73 * 3600_000).toISOString() });
    const unnamed = forwardEvent({ kind: 'event', name: '___' });
    const good = forwardEvent();
    await provider({ onDrop: (reason, id) => drops.push([reason, id]) }).send([orphan, old, unnamed, good]);
    expect(drops).toEqual([['no_client_id', orphan.eventId], ['too_old', old.eventId], ['invalid_name', unnamed.eventId]]);
    expect(stub.acceptedIds('ga4')).toEqual([good.eventId]);
  });

  it('sends nothing when every event was dropped', async () => {
    await provider().send([forwardEvent({ visitorId: undefined, sessionId: undefined })]);
    expect(stub.requestCounts.ga4).toBe(0);
  });

  it('uses the EU endpoint when region is eu', async () => {
    const urls: string[] = [];
    // The real client, pointed at the stub: the recorded URL shows where production would post.
    const post: HttpPost = (url, init) => {
      urls.push(url);
      return httpPost(url.replace('https://region1.google-analytics.com', stub.baseUrl), init);
    };
    await ga4Provider({ measurementId: 'G-TEST1234', apiSecret: SECRET, region: 'eu' }, post).send([forwardEvent()]);
    expect(urls).toEqual([`https://region1.google-analytics.com/mp/collect?measurement_id=G-TEST1234&api_secret=${SECRET}`]);
    expect(stub.acceptedIds('ga4')).toHaveLength(1);
  });

  it('debug mode posts to /debug/mp/collect and turns validation messages into a non-retryable error', async () => {
    await provider({ debug: true }).send([forwardEvent()]);
    expect(stub.acceptedRequests('ga4')[0]?.path).toBe('/debug/mp/collect');

    stub.ga4DebugMessages = [{ fieldPath: 'events[0].name', description: 'Event name is reserved.', validationCode: 'NAME_RESERVED' }];
    const error = await relayError(provider({ debug: true }).send([forwardEvent()]));
    expect(error.retryable).toBe(false);
    expect(error.message).toContain('NAME_RESERVED');
    expect(error.message).toContain('events[0].name');
  });

  describe('error mapping', () => {
    it.each([
      [503, undefined, true, undefined],
      [500, undefined, true, undefined],
      [429, '7', true, 7],
      [400, undefined, false, undefined],
      [403, undefined, false, undefined],
    ])('HTTP %i (Retry-After %s) is retryable=%s', async (status, retryAfter, retryable, retryAfterSeconds) => {
      stub.failNext({ kind: 'status', status, retryAfter }, 'ga4');
      const error = await relayError(provider().send([forwardEvent()]));
      expect(error.retryable).toBe(retryable);
      expect(error.retryAfterSeconds).toBe(retryAfterSeconds);
      expect(error.provider).toBe('ga4');
      expect(error.message).not.toContain(SECRET);
    });

    it('a slow answer times out as retryable', async () => {
      stub.failNext({ kind: 'slow', delayMs: 1500 }, 'ga4');
      const error = await relayError(provider({ timeoutMs: 200 }).send([forwardEvent()]));
      expect(error.retryable).toBe(true);
      expect(error.message).toContain('timed out');
      expect(stub.acceptedIds('ga4')).toEqual([]);
    });

    it('a reset connection is retryable', async () => {
      stub.failNext({ kind: 'reset' }, 'ga4');
      const error = await relayError(provider().send([forwardEvent()]));
      expect(error.retryable).toBe(true);
      expect(error.message).not.toContain(SECRET);
    });

    it('a failure after some requests succeeded names only the undelivered events', async () => {
      const events = Array.from({ length: 60 }, () => forwardEvent());
      stub.failNext({ kind: 'status', status: 502 }, 'ga4', { after: 1 });
      const error = await relayError(provider().send(events));
      expect(error).toBeInstanceOf(PartialRelayError);
      expect(error.retryable).toBe(true);
      // Request 1 was accepted, request 2 failed, request 3 was never sent.
      expect(stub.requestCounts.ga4).toBe(2);
      expect(stub.acceptedIds('ga4')).toEqual(events.slice(0, 25).map((e) => e.eventId));
      expect((error as PartialRelayError).undeliveredEventIds).toEqual(events.slice(25).map((e) => e.eventId));
    });
  });

  it('fuzz: any events give valid GA4 payloads or a ProviderRelayError, never anything else', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(arbitraryForwardEvent, { minLength: 1, maxLength: 30 }), async (events: ForwardEvent[]) => {
        stub.reset();
        try {
          await provider().send(events);
        } catch (error) {
          expect(error).toBeInstanceOf(ProviderRelayError);
        }
        expect(stub.violations).toEqual([]);
        for (const body of bodies()) {
          for (const event of body.events) {
            expect(event.name === 'page_view' || isValidGa4EventName(event.name)).toBe(true);
            for (const key of Object.keys(event.params)) {
              expect(/^[A-Za-z][A-Za-z0-9_]{0,39}$/.test(key)).toBe(true);
            }
          }
        }
      }),
      { numRuns: 60 },
    );
  });
});

describe('ga4EventName()', () => {
  it.each([
    [{ kind: 'pageview', name: 'pageview' }, 'page_view'],
    [{ kind: 'request', name: 'request' }, 'page_view'],
    [{ kind: 'activity', name: 'activity' }, 'activity'],
    [{ kind: 'event', name: 'signup' }, 'signup'],
    [{ kind: 'event', name: 'first_visit' }, 'ev_first_visit'],
    [{ kind: 'event', name: 'google_thing' }, 'ev_google_thing'],
    [{ kind: 'event', name: 'é' }, undefined],
    [{ kind: 'event', name: '' }, undefined],
  ] as const)('%j → %j', (event, expected) => {
    expect(ga4EventName(event)).toBe(expected);
  });
});

describe('isValidGa4ParamName()', () => {
  it('accepts custom names and refuses reserved ones and prefixes', () => {
    expect(isValidGa4ParamName('plan')).toBe(true);
    for (const name of ['session_id', 'engagement_time_msec', 'page_location', 'ga_x', '_x', 'firebase_x', 'google_x', '1x', 'x'.repeat(41)]) {
      expect(isValidGa4ParamName(name)).toBe(false);
    }
  });
});
