import { marshall } from '@aws-sdk/util-dynamodb';
import { forwardEventOfItem } from '../../../../layers/core/src/forwarding/event-of-item';
import { parseQueueMessage } from '../../../../layers/core/src/forwarding/parse-message';
import { streamRecordBody } from '../../../../infra/local/change-feed';

const AT = '2026-12-01T10:00:00.000Z';
const record = {
  pk: 'S#s1',
  sk: `EV#${AT}#e1`,
  type: 'browser_event',
  eventId: 'e1',
  sessionId: 's1',
  at: AT,
  url: 'https://shop.example/a',
  event: 'pageview',
  visitorId: 'v1',
  title: 'A',
  referrer: 'https://search.example/',
  fp: 'fp1',
  fpv: 2,
  ip: '203.0.113.0',
  country: 'DE',
  headers: { 'user-agent': 'Mozilla/5.0 Chrome/131.0', 'accept-language': 'de-DE,de;q=0.9' },
  hit: true,
  ss: '2026-12-01T09:00:00.000Z',
  uid: 'user-1',
  dnt: true,
};

describe('forwardEventOfItem()', () => {
  it('builds the event from a stored record alone: session start, user, DNT and the hit it counts', () => {
    expect(forwardEventOfItem(record)).toEqual({
      v: 1,
      eventId: 'e1',
      kind: 'pageview',
      name: 'pageview',
      at: AT,
      url: 'https://shop.example/a',
      sessionId: 's1',
      sessionStartedAt: '2026-12-01T09:00:00.000Z',
      userId: 'user-1',
      userAgent: 'Mozilla/5.0 Chrome/131.0',
      ip: '203.0.113.0',
      requestFingerprint: 'fp1',
      language: 'de-DE',
      country: 'DE',
      gpc: false,
      dnt: true,
      hit: 'https://shop.example/a',
      referrer: 'https://search.example/',
      title: 'A',
      props: undefined,
      visitorId: 'v1',
    });
  });

  it('gives an anonymous record (stored without signals) no user agent, IP, language or visitorId', () => {
    const anonymous = { pk: 'S#s2', sk: `EV#${AT}#e2`, type: 'browser_event', eventId: 'e2', sessionId: 's2', at: AT, url: 'https://shop.example/b', event: 'pageview', gpc: true };
    const event = forwardEventOfItem(anonymous)!;
    expect(event).toMatchObject({ eventId: 'e2', gpc: true, kind: 'pageview' });
    for (const field of ['userAgent', 'ip', 'language', 'visitorId', 'requestFingerprint', 'hit']) expect(event[field as keyof typeof event]).toBeUndefined();
  });

  it('reads a session item as its first record, started at the session, and a redirect record counting its target', () => {
    const session = { pk: 'S#s3', sk: 'SESSION', type: 'session', sessionId: 's3', createdAt: AT, first: { type: 'request_fingerprint', eventId: 'e3', url: 'https://shop.example/landing', hit: 'https://shop.example/target', fp: 'x', headers: {} } };
    expect(forwardEventOfItem(session)).toMatchObject({ kind: 'request', eventId: 'e3', sessionId: 's3', at: AT, sessionStartedAt: AT, hit: 'https://shop.example/target' });
  });

  it('reads an activity row with its stored language and privacy facts', () => {
    const activity = { pk: 'S#s4', sk: `ACT#${AT}#e4`, type: 'activity', eventId: 'e4', at: AT, path: '/account', sessionId: 's4', userId: 'u', lang: 'en-GB', gpc: true };
    expect(forwardEventOfItem(activity)).toEqual(expect.objectContaining({ kind: 'activity', path: '/account', language: 'en-GB', gpc: true, dnt: false }));
  });

  it('answers undefined for items that are not events (markers, counters)', () => {
    expect(forwardEventOfItem({ pk: 'URL#x', sk: 'HITS', type: 'hit_counter', url: 'https://x.example/', hits: 3 })).toBeUndefined();
    expect(forwardEventOfItem({ pk: 'S#s', sk: 'VIEW#h', type: 'view_marker' })).toBeUndefined();
  });
});

describe('parseQueueMessage() on a stream record', () => {
  it('parses what the pipe (and the local feed) put on the queue into the stored item\'s event', () => {
    const body = streamRecordBody(marshall(record, { removeUndefinedValues: true }));
    expect(parseQueueMessage(body)).toEqual(forwardEventOfItem(record));
  });

  it('refuses a stream record whose image is not an event (it is dead-lettered as malformed)', () => {
    expect(parseQueueMessage(streamRecordBody(marshall({ pk: 'URL#x', sk: 'HITS', type: 'hit_counter' })))).toBeUndefined();
    expect(parseQueueMessage(JSON.stringify({ dynamodb: { NewImage: 'nonsense' } }))).toBeUndefined();
  });
});
