import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEvent, APIGatewayProxyEventV2 } from 'aws-lambda';
import { requestFingerprint } from '../../../../layers/core/src/domain/fingerprint';
import { requestSignals } from '../../../../layers/core/src/domain/request-signals';
import { recordRequest } from '../../../../layers/core/src/v1';
import { countItems, hitsFor, scanTable, useLocalStack } from '../../../helpers/local-stack';

const HTTP_API: APIGatewayProxyEventV2 = require('../../../fixtures/apigateway/http-api-v2-get.json');
const REST_API: APIGatewayProxyEvent = require('../../../fixtures/apigateway/rest-api-v1-get.json');

/** The recorded event with its own path (so hit counts do not mix between tests), and optionally a cookie or user agent. */
function httpApiEvent(options: { path?: string; cookie?: string; userAgent?: string } = {}): APIGatewayProxyEventV2 {
  const path = options.path ?? `/orders/${randomUUID()}`;
  const event: APIGatewayProxyEventV2 = structuredClone(HTTP_API);
  event.rawPath = path;
  event.requestContext.http.path = path;
  if (options.cookie !== undefined) event.cookies = [...(event.cookies ?? []), `ep_sid=${options.cookie}`];
  if (options.userAgent !== undefined) event.headers['user-agent'] = options.userAgent;
  return event;
}

const urlOf = (event: APIGatewayProxyEventV2) => `https://${event.requestContext.domainName}${event.rawPath}?${event.rawQueryString}`;
const claimsSub = (event: APIGatewayProxyEventV2) => (event.requestContext as { authorizer?: { jwt?: { claims?: Record<string, string> } } }).authorizer?.jwt?.claims?.sub;

describe('recordRequest()', () => {
  const stack = useLocalStack();

  it('records the request fingerprint and the hit for the request URL, as the redirect page does', async () => {
    const event = httpApiEvent();
    const recorded = await recordRequest(event);
    expect(recorded).toMatchObject({ recorded: true, hitCounted: true });
    expect(recorded.cookies).toEqual([expect.stringMatching(new RegExp(`^ep_sid=${recorded.sessionId}; Max-Age=2592000; Path=/; HttpOnly; SameSite=Lax; Secure$`))]);
    const expected = requestFingerprint(requestSignals(event.headers, '198.51.100.23'), stack().env.EDGEPRINT_SECRET as string);
    expect(recorded.fingerprint).toEqual(expected);
    const session = (await scanTable(stack())).find((item) => item.pk === `S#${recorded.sessionId}` && item.sk === 'SESSION');
    expect(session).toMatchObject({ first: expect.objectContaining({ type: 'request_fingerprint', fp: expected.id, url: urlOf(event), ip: '198.51.100.0' }) });
    expect(session?.firstTouch).toMatchObject({ utmSource: 'newsletter', utmMedium: 'email', referrer: 'https://mail.example/inbox' });
    expect(await hitsFor(stack(), [urlOf(event)])).toEqual({ [urlOf(event)]: 1 });
  });

  it('keeps the session of the ep_sid cookie and debounces a repeat, counting the hit once', async () => {
    const first = await recordRequest(httpApiEvent({ path: '/orders/repeat-1' }));
    const again = await recordRequest(httpApiEvent({ path: '/orders/repeat-1', cookie: first.sessionId }));
    expect(again).toMatchObject({ recorded: false, reason: 'debounced', sessionId: first.sessionId, hitCounted: false, cookies: [] });
    const url = urlOf(httpApiEvent({ path: '/orders/repeat-1' }));
    expect(await hitsFor(stack(), [url])).toEqual({ [url]: 1 });
  });

  it('links the session when userId() names a user: once, idempotently, never stealing another user\'s session', async () => {
    const event = httpApiEvent();
    const first = await recordRequest(event, { userId: claimsSub });
    expect(first.link).toBe('linked');
    const item = (await scanTable(stack())).find((row) => row.pk === `S#${first.sessionId}` && row.sk === 'SESSION');
    expect(item).toMatchObject({ userId: 'customer-8841', gsi1pk: 'USER#customer-8841' });
    const withCookie = httpApiEvent({ cookie: first.sessionId });
    expect((await recordRequest(withCookie, { userId: claimsSub })).link).toBe('already-linked');
    // A debounced repeat still knows the link.
    expect((await recordRequest(withCookie, { userId: claimsSub })).link).toBe('already-linked');
    expect((await recordRequest(httpApiEvent({ cookie: first.sessionId }), { userId: () => 'someone-else' })).link).toBe('conflict');
    expect((await recordRequest(httpApiEvent(), { userId: () => 'not a valid id!' })).link).toBeUndefined();
  });

  it('records nothing for a bot', async () => {
    const before = await countItems(stack());
    const recorded = await recordRequest(httpApiEvent({ userAgent: 'Googlebot/2.1 (+http://www.google.com/bot.html)' }), { userId: claimsSub });
    expect(recorded).toEqual({ recorded: false, reason: 'bot', hitCounted: false, cookies: [] });
    expect(await countItems(stack())).toBe(before);
  });

  it('understands REST API (payload 1.0) events', async () => {
    const recorded = await recordRequest(REST_API, { countHit: false });
    expect(recorded).toMatchObject({ recorded: true, hitCounted: false });
    const session = (await scanTable(stack())).find((item) => item.pk === `S#${recorded.sessionId}` && item.sk === 'SESSION');
    expect(session).toMatchObject({ first: expect.objectContaining({ url: 'https://a1b2c3d4e5.execute-api.eu-central-1.amazonaws.com/orders/77?view=full', country: 'DE', ip: '192.0.2.0' }) });
  });
});
