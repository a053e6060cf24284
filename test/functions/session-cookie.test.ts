import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { handler as collectHandler } from '../../functions/collect/handler';
import { call, collectJson, freshSessionId, scanTable, sessionFrom, useLocalStack } from '../helpers/local-stack';

const SESSION_ID = /^[A-Za-z0-9_-]{22}$/;

/** The attributes of the one ep_sid Set-Cookie a response carries. */
function sessionCookieOf(setCookies: string[]): { value: string; attributes: string[] } {
  const cookies = setCookies.filter((cookie) => cookie.startsWith('ep_sid='));
  expect(cookies).toHaveLength(1);
  const [pair, ...attributes] = (cookies[0] ?? '').split(';').map((part) => part.trim());
  return { value: (pair ?? '').slice('ep_sid='.length), attributes: attributes.sort() };
}

const EXPECTED_HTTP_ATTRIBUTES = ['HttpOnly', 'Max-Age=2592000', 'Path=/', 'SameSite=Lax'];

describe('the ep_sid session cookie', () => {
  const stack = useLocalStack();
  const page = (name: string) => `${stack().url}/cookie/${name}-${randomUUID().slice(0, 8)}`;

  async function sessionItems(): Promise<Record<string, unknown>[]> {
    return (await scanTable(stack())).filter((item) => item.type === 'session');
  }

  describe('when the request has none', () => {
    it('is set by collect: random 128-bit base64url, HttpOnly, SameSite=Lax, Path=/, 30 days, no Secure on http', async () => {
      const response = await collectJson(stack(), { id: 'v1', url: page('collect') });
      expect(response.status).toBe(204);
      const cookie = sessionCookieOf(response.headers.getSetCookie());
      expect(cookie.value).toMatch(SESSION_ID);
      expect(Buffer.from(cookie.value, 'base64url')).toHaveLength(16);
      expect(cookie.attributes).toEqual(EXPECTED_HTTP_ATTRIBUTES);
      expect(cookie.attributes).not.toContain('Secure');
      expect((await sessionItems()).map((item) => item.sessionId)).toContain(cookie.value);
    });

    it('is set by the redirect page with the same attributes', async () => {
      const response = await call(stack(), `/v1/r?next=${encodeURIComponent('/cookie/redirect')}`);
      expect(response.status).toBe(200);
      const cookie = sessionCookieOf(response.headers.getSetCookie());
      expect(cookie.value).toMatch(SESSION_ID);
      expect(cookie.attributes).toEqual(EXPECTED_HTTP_ATTRIBUTES);
    });

    it('differs for every new visitor', async () => {
      const values = new Set<string | undefined>();
      for (let index = 0; index < 5; index += 1) values.add(sessionFrom(await collectJson(stack(), { id: 'v1', url: page('random') })));
      expect(values.size).toBe(5);
      expect(values.has(undefined)).toBe(false);
    });

    it('is not set by the read-only and activity endpoints', async () => {
      const hits = await call(stack(), `/v1/hits?url=${encodeURIComponent(page('hits'))}`);
      expect(hits.status).toBe(200);
      expect(hits.headers.getSetCookie()).toEqual([]);
      const activity = await call(stack(), '/v1/activity', {
        method: 'POST',
        body: JSON.stringify({ date: '2024-05-01T10:00:00Z', path: '/cookie/activity' }),
        headers: { 'content-type': 'application/json' },
      });
      expect(activity.status).toBe(204);
      expect(activity.headers.getSetCookie()).toEqual([]);
    });
  });

  describe('when the request carries one', () => {
    it('is not set again by collect or the redirect page, and the session is reused', async () => {
      const session = sessionFrom(await collectJson(stack(), { id: 'v1', url: page('first') }));
      expect(session).toMatch(SESSION_ID);
      const again = await collectJson(stack(), { id: 'v1', url: page('second') }, { session });
      expect(again.status).toBe(204);
      expect(again.headers.getSetCookie()).toEqual([]);
      const redirect = await call(stack(), `/v1/r?next=${encodeURIComponent('/cookie/third')}`, { session });
      expect(redirect.status).toBe(200);
      expect(redirect.headers.getSetCookie()).toEqual([]);
      expect((await sessionItems()).filter((item) => item.sessionId === session)).toHaveLength(1);
    });

    it('is found among other cookies', async () => {
      const session = freshSessionId();
      const response = await call(stack(), '/v1/collect', {
        method: 'POST',
        body: JSON.stringify({ id: 'v1', url: page('among') }),
        headers: { 'content-type': 'text/plain', cookie: `theme=dark; ep_sid=${session}; other=1` },
      });
      expect(response.status).toBe(204);
      expect(response.headers.getSetCookie()).toEqual([]);
      expect((await sessionItems()).map((item) => item.sessionId)).toContain(session);
    });

    it.each([
      ['too short', 'abc'],
      ['too long', `${freshSessionId()}x`],
      ['bad characters', 'AAAAAAAAAAAAAAAAAAAA.+'],
      ['empty', ''],
    ])('is replaced when its value is %s, and the bad value is never stored', async (_name, value) => {
      const response = await collectJson(stack(), { id: 'v1', url: page('replace') }, { session: value });
      expect(response.status).toBe(204);
      const cookie = sessionCookieOf(response.headers.getSetCookie());
      expect(cookie.value).toMatch(SESSION_ID);
      expect(cookie.value).not.toBe(value);
      if (value.length > 0) {
        const stored = await scanTable(stack());
        expect(stored.some((item) => item.sessionId === value || String(item.pk).includes(value))).toBe(false);
      }
    });
  });

  describe('behind https', () => {
    // The local server always reports http, so this calls the real collect handler module with the
    // payload-2.0 event API Gateway sends for an https request (it forwards `x-forwarded-proto: https`).
    function httpsEvent(body: string): APIGatewayProxyEventV2 {
      const now = new Date();
      return {
        version: '2.0',
        routeKey: 'ANY /v1/collect',
        rawPath: '/v1/collect',
        rawQueryString: '',
        headers: {
          'content-type': 'text/plain',
          'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
          'x-forwarded-proto': 'https',
          host: 'api.site.example',
        },
        requestContext: {
          accountId: 'test',
          apiId: 'test',
          domainName: 'api.site.example',
          domainPrefix: 'api',
          http: { method: 'POST', path: '/v1/collect', protocol: 'HTTP/1.1', sourceIp: '203.0.113.7', userAgent: 'test' },
          requestId: randomUUID(),
          routeKey: 'ANY /v1/collect',
          stage: '$default',
          time: now.toUTCString(),
          timeEpoch: now.getTime(),
        },
        body,
        isBase64Encoded: false,
      };
    }

    it('adds Secure', async () => {
      const event = httpsEvent(JSON.stringify({ id: 'v1', url: `https://site.example/secure-${randomUUID()}` }));
      const result = (await collectHandler(event, {} as Context)) as APIGatewayProxyStructuredResultV2;
      expect(result.statusCode).toBe(204);
      const cookie = sessionCookieOf(result.cookies ?? []);
      expect(cookie.attributes).toEqual([...EXPECTED_HTTP_ATTRIBUTES, 'Secure'].sort());
    });
  });
});
