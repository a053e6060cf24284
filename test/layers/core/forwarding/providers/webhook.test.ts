import fc from 'fast-check';
import { ProviderRelayError, type ForwardEvent } from '../../../../../layers/core/src/forwarding/event';
import { httpPost } from '../../../../../layers/core/src/forwarding/http-post';
import {
  signWebhook,
  verifyWebhookSignature,
  webhookProvider,
  type WebhookOptions,
} from '../../../../../layers/core/src/forwarding/providers/webhook';
import { arbitraryForwardEvent, forwardEvent } from '../../../../helpers/forward-event-factory';
import { useProviderStub } from '../../../../helpers/provider-stub';

const SECRET = 'whsec-0123456789abcdef';
const stub = useProviderStub({ webhookSecret: SECRET });

function provider(overrides: Partial<WebhookOptions> = {}) {
  return webhookProvider({ url: `${stub.baseUrl}/webhook`, secret: SECRET, timeoutMs: 2000, ...overrides }, httpPost);
}

async function relayError(promise: Promise<unknown>): Promise<ProviderRelayError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(ProviderRelayError);
  return error as ProviderRelayError;
}

describe('webhookProvider()', () => {
  it('posts a signed batch the receiver verifies', async () => {
    const events = [forwardEvent(), forwardEvent({ kind: 'event', name: 'signup' })];
    await provider().send(events);

    expect(stub.violations).toEqual([]);
    expect(stub.requestCounts.webhook).toBe(1);
    const [request] = stub.acceptedRequests('webhook');
    expect(JSON.parse(request?.body ?? '')).toEqual({ v: 1, events });
    expect(request?.headers['x-edgeprint-signature']).toMatch(/^v1=[0-9a-f]{64}$/);
    expect(Number(request?.headers['x-edgeprint-timestamp'])).toBeCloseTo(Date.now() / 1000, -1);
    expect(stub.acceptedIds('webhook')).toEqual(events.map((e) => e.eventId));
  });

  it('splits batches above maxBatchSize', async () => {
    await provider({ maxBatchSize: 10 }).send(Array.from({ length: 25 }, () => forwardEvent()));
    expect(stub.requestCounts.webhook).toBe(3);
    expect(stub.acceptedIds('webhook')).toHaveLength(25);
  });

  it('is rejected by the receiver when signed with another secret', async () => {
    const error = await relayError(provider({ secret: 'another-secret-0123456' }).send([forwardEvent()]));
    expect(error.retryable).toBe(false);
    expect(stub.acceptedIds('webhook')).toEqual([]);
    expect(stub.violations.map((v) => v.message)).toEqual(['signature invalid or timestamp outside tolerance']);
  });

  it('a tampered body or an old timestamp is rejected over HTTP', async () => {
    const body = JSON.stringify({ v: 1, events: [forwardEvent()] });
    const now = String(Math.floor(Date.now() / 1000));
    const post = (timestamp: string, payload: string, signedBody: string) =>
      fetch(`${stub.baseUrl}/webhook`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-edgeprint-timestamp': timestamp, 'x-edgeprint-signature': `v1=${signWebhook(SECRET, timestamp, signedBody)}` },
        body: payload,
      });
    expect((await post(now, body, body)).status).toBe(204);
    expect((await post(now, body.replace('pageview', 'pageviex'), body)).status).toBe(401);
    const old = String(Number(now) - 301);
    expect((await post(old, body, body)).status).toBe(401);
    expect(stub.acceptedRequests('webhook')).toHaveLength(1);
  });

  describe('error mapping', () => {
    it.each([
      [503, undefined, true, undefined],
      [429, '5', true, 5],
      [404, undefined, false, undefined],
    ])('HTTP %i (Retry-After %s) is retryable=%s', async (status, retryAfter, retryable, retryAfterSeconds) => {
      stub.failNext({ kind: 'status', status, retryAfter }, 'webhook');
      const error = await relayError(provider().send([forwardEvent()]));
      expect(error.retryable).toBe(retryable);
      expect(error.retryAfterSeconds).toBe(retryAfterSeconds);
      expect(error.message).not.toContain(SECRET);
    });

    it('a slow answer times out as retryable', async () => {
      stub.failNext({ kind: 'slow', delayMs: 1500 }, 'webhook');
      expect((await relayError(provider({ timeoutMs: 200 }).send([forwardEvent()]))).retryable).toBe(true);
    });

    it('a reset connection is retryable', async () => {
      stub.failNext({ kind: 'reset' }, 'webhook');
      expect((await relayError(provider().send([forwardEvent()]))).retryable).toBe(true);
    });
  });

  it('fuzz: any events are delivered with a valid signature', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(arbitraryForwardEvent, { minLength: 1, maxLength: 20 }), async (events: ForwardEvent[]) => {
        stub.reset();
        await provider().send(events);
        expect(stub.violations).toEqual([]);
        expect(stub.acceptedRequests('webhook')).toHaveLength(1);
      }),
      { numRuns: 40 },
    );
  });
});

describe('verifyWebhookSignature()', () => {
  const body = '{"v":1,"events":[]}';
  const now = 1_700_000_000;
  const timestamp = String(now);
  const header = `v1=${signWebhook(SECRET, timestamp, body)}`;

  it('accepts a fresh, correct signature', () => {
    expect(verifyWebhookSignature(SECRET, timestamp, body, header, now)).toBe(true);
    expect(verifyWebhookSignature(SECRET, timestamp, body, header, now + 300)).toBe(true);
  });

  it('accepts one correct signature among several (secret rotation)', () => {
    expect(verifyWebhookSignature(SECRET, timestamp, body, `v1=${'0'.repeat(64)}, ${header}`, now)).toBe(true);
  });

  it.each([
    ['a tampered body', SECRET, timestamp, `${body} `, header, now],
    ['another secret', 'other-secret-123456', timestamp, body, header, now],
    ['a stale timestamp', SECRET, timestamp, body, header, now + 301],
    ['a future timestamp', SECRET, timestamp, body, header, now - 301],
    ['a timestamp that is not a number', SECRET, `${timestamp}.0`, body, header, now],
    ['a missing header', SECRET, timestamp, body, undefined, now],
    ['a missing timestamp', SECRET, undefined, body, header, now],
    ['another version', SECRET, timestamp, body, header.replace('v1=', 'v0='), now],
    ['a truncated signature', SECRET, timestamp, body, header.slice(0, -2), now],
    ['an empty secret', '', timestamp, body, header, now],
  ])('rejects %s', (_case, secret, ts, payload, signature, at) => {
    expect(verifyWebhookSignature(secret, ts, payload, signature, at)).toBe(false);
  });

  it('never throws on arbitrary headers', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.string(), (ts, signature, payload) => {
        expect(typeof verifyWebhookSignature(SECRET, ts, payload, signature, now)).toBe('boolean');
      }),
    );
  });
});
