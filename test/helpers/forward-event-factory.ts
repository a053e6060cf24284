/**
 * ForwardEvent factories for forwarding tests: a realistic event with overrides, and a fast-check
 * arbitrary that fills every field of the type with hostile values.
 */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import type { ForwardEvent } from '../../layers/core/src/forwarding/event';

export const CHROME_UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36';

/** A pageview with every field set; `overrides` replace fields (an explicit `undefined` removes one). */
export function forwardEvent(overrides: Partial<ForwardEvent> = {}): ForwardEvent {
  const base: ForwardEvent = {
    v: 1,
    eventId: randomUUID(),
    kind: 'pageview',
    name: 'pageview',
    at: new Date().toISOString(),
    url: 'https://shop.example.com/products/42?utm_source=news',
    referrer: 'https://search.example.org/?q=shoes',
    title: 'Product 42',
    sessionId: 'c2Vzc2lvbi1pZC0xMjM0NTY',
    sessionStartedAt: new Date(Date.now() - 60_000).toISOString(),
    visitorId: '8f14e45fceea167a5a36dedd4bea2543',
    userAgent: CHROME_UA,
    ip: '203.0.113.0',
    language: 'en-US',
    country: 'DE',
    gpc: false,
    dnt: false,
  };
  const event: Record<string, unknown> = { ...base, ...overrides };
  for (const [key, value] of Object.entries(overrides)) if (value === undefined) delete event[key];
  return event as unknown as ForwardEvent;
}

/** Strings built to break encoders: lone surrogates, controls, separators, huge lengths, look-alike keys. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.string({
    unit: fc.constantFrom('\uD800', '\uDC00', '\u0000', '\r', '\n', '\t', 'é', '😀', '@', '%', '&', '=', '?', '#', '/', '.', ' ', '"', '\\', '<', 'a', 'Z', '9', '_', '-'),
    maxLength: 80,
  }),
  fc.constantFrom(
    '', ' ', '__proto__', 'constructor', 'toString', 'session_start', 'ga_x', '_x', 'firebase_y', 'gtag.z', 'page_view',
    'a@b.co', 'token', '%E0%A4%A', 'x'.repeat(5000), '\uD83D', 'javascript:alert(1)', '../../etc/passwd', '0', '1e309',
  ),
);

const hostileUrl: fc.Arbitrary<string> = fc.oneof(
  fc.webUrl({ withQueryParameters: true, withFragments: true }),
  fc.tuple(fc.webUrl(), hostileString).map(([url, tail]) => `${url}/${tail}`),
  fc.tuple(fc.webUrl(), hostileString, hostileString).map(([url, key, value]) => `${url}?${encodeURIComponent(key.replace(/[\uD800-\uDFFF]/g, ''))}=${value}`),
  hostileString,
);

const propValue = fc.oneof(hostileString, fc.double(), fc.integer(), fc.boolean());

/** Any ForwardEvent the type allows, with hostile contents. */
export const arbitraryForwardEvent: fc.Arbitrary<ForwardEvent> = fc.record(
  {
    v: fc.constant(1 as const),
    eventId: fc.oneof(fc.uuid(), hostileString),
    kind: fc.constantFrom('pageview', 'event', 'request', 'activity'),
    name: hostileString,
    at: fc.oneof(
      fc.date({ min: new Date(Date.now() - 10 * 86_400_000), max: new Date(Date.now() + 86_400_000), noInvalidDate: true }).map((d) => d.toISOString()),
      hostileString,
    ),
    url: hostileUrl,
    path: hostileString,
    referrer: hostileUrl,
    title: hostileString,
    props: fc.dictionary(hostileString, propValue, { maxKeys: 40 }),
    sessionId: hostileString,
    sessionStartedAt: fc.oneof(fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), hostileString),
    visitorId: hostileString,
    userId: hostileString,
    userAgent: fc.oneof(fc.constant(CHROME_UA), hostileString),
    ip: fc.oneof(fc.ipV4(), fc.ipV6(), hostileString),
    language: fc.oneof(fc.constantFrom('en', 'en-US', 'de-DE'), hostileString),
    country: fc.oneof(fc.constantFrom('DE', 'us', 'FR'), hostileString),
    gpc: fc.boolean(),
    dnt: fc.boolean(),
    status: fc.oneof(fc.integer({ min: 100, max: 599 }), fc.integer()),
  },
  { requiredKeys: ['v', 'eventId', 'kind', 'name', 'at', 'gpc', 'dnt'] },
);
