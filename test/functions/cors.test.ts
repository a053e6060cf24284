import { randomUUID } from 'node:crypto';
import { ROUTES } from '../../infra/routes';
import { call, countItems, freshSessionId, sessionFrom, useLocalStack, type FetchOptions } from '../helpers/local-stack';

const ALLOWED = 'https://allowed.example';
const ALLOWED_WITH_PORT = 'http://app.localhost:8080';

type RoutePath = (typeof ROUTES)[number]['path'];

describe('CORS and the Origin policy', () => {
  const stack = useLocalStack({ env: { EDGEPRINT_ALLOWED_ORIGINS: `${ALLOWED}, ${ALLOWED_WITH_PORT}` } });
  const page = () => `${stack().url}/cors/${randomUUID().slice(0, 8)}`;
  const admin = () => ({ authorization: `Bearer ${stack().env.EDGEPRINT_API_KEY}` });

  /** One valid request per public route: what a browser on a partner site would send. */
  const validRequests: Record<RoutePath, () => { path: string; options: FetchOptions; status: number }> = {
    '/v1/collect': () => ({
      path: '/v1/collect',
      options: { method: 'POST', body: JSON.stringify({ id: 'corsVisitor', url: page() }), headers: { 'content-type': 'text/plain' } },
      status: 204,
    }),
    '/v1/r': () => ({ path: `/v1/r?next=${encodeURIComponent(`/cors/${randomUUID()}`)}`, options: {}, status: 200 }),
    '/v1/hits': () => ({ path: `/v1/hits?url=${encodeURIComponent(page())}`, options: {}, status: 200 }),
    '/v1/activity': () => ({
      path: '/v1/activity',
      options: {
        method: 'POST',
        body: JSON.stringify({ date: '2024-05-01T10:00:00Z', path: `/cors/${randomUUID()}` }),
        headers: { 'content-type': 'application/json' },
      },
      status: 204,
    }),
    '/v1/snippet.js': () => ({ path: '/v1/snippet.js', options: {}, status: 200 }),
    // The admin routes: server-to-server with the API key, yet under the same Origin policy.
    '/v1/sessions/link': () => ({
      path: '/v1/sessions/link',
      options: { method: 'POST', body: JSON.stringify({ userId: `cors-${randomUUID()}`, sessionId: freshSessionId() }), headers: { 'content-type': 'application/json', ...admin() } },
      status: 200,
    }),
    '/v1/sessions/{sessionId}': () => ({ path: `/v1/sessions/${freshSessionId()}`, options: { method: 'DELETE', headers: admin() }, status: 200 }),
    '/v1/users/{userId}': () => ({ path: `/v1/users/cors-${randomUUID()}`, options: { method: 'DELETE', headers: admin() }, status: 200 }),
    '/v1/users/{userId}/sessions': () => ({ path: `/v1/users/cors-${randomUUID()}/sessions`, options: { headers: admin() }, status: 200 }),
    '/v1/users/{userId}/devices': () => ({ path: `/v1/users/cors-${randomUUID()}/devices`, options: { headers: admin() }, status: 200 }),
    '/v1/stats': () => ({ path: '/v1/stats?site=cors.example', options: { headers: admin() }, status: 200 }),
    '/v1/stats/realtime': () => ({ path: '/v1/stats/realtime?site=cors.example', options: { headers: admin() }, status: 200 }),
    // The dashboard: the sign-in page and its stylesheet, same origin only.
    '/dashboard': () => ({ path: '/dashboard', options: {}, status: 200 }),
    '/dashboard/{file}': () => ({ path: '/dashboard/app.css', options: {}, status: 200 }),
  };
  const routes = ROUTES.map((route) => route.path);
  /** Routes whose session must not be usable from another site: even a configured origin gets 403. */
  const sameOriginOnly: readonly RoutePath[] = ['/dashboard', '/dashboard/{file}'];
  const crossOriginRoutes = routes.filter((route) => !sameOriginOnly.includes(route));

  function withOrigin(options: FetchOptions, origin: string): FetchOptions {
    return { ...options, headers: { ...options.headers, origin } };
  }

  function expectNoCorsGrant(response: Response): void {
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    expect(response.headers.get('access-control-allow-credentials')).toBeNull();
  }

  function expectCorsGrant(response: Response, origin: string): void {
    expect(response.headers.get('access-control-allow-origin')).toBe(origin);
    expect(response.headers.get('access-control-allow-credentials')).toBe('true');
    expect(response.headers.get('vary')?.toLowerCase()).toContain('origin');
  }

  it('covers every public route', () => {
    expect(Object.keys(validRequests).sort()).toEqual([...routes].sort());
  });

  describe('an Origin that is not allowed', () => {
    it.each(routes)('gets 403 on %s and nothing is stored', async (route) => {
      for (const origin of ['https://evil.example', 'null', 'https://allowed.example.evil.com', 'https://allowed.example:444', 'http://allowed.example']) {
        const { path, options } = validRequests[route]();
        const before = await countItems(stack());
        const response = await call(stack(), path, withOrigin(options, origin));
        expect(response.status).toBe(403);
        expectNoCorsGrant(response);
        expect(sessionFrom(response)).toBeUndefined();
        const body = (await response.json()) as { error?: { code: string }; errors?: Record<string, string[]> };
        if (route === '/v1/activity') expect(Object.keys(body.errors ?? {})).toEqual(['__all__']);
        else expect(body.error?.code).toBe('origin_not_allowed');
        expect(await countItems(stack())).toBe(before);
      }
    });

    it.each(routes)('gets 403 on a preflight to %s', async (route) => {
      const response = await call(stack(), route, {
        method: 'OPTIONS',
        headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
      });
      expect(response.status).toBe(403);
      expectNoCorsGrant(response);
      expect(response.headers.get('access-control-allow-methods')).toBeNull();
    });
  });

  describe('an allowed Origin', () => {
    it.each(sameOriginOnly)('gets 403 and no CORS grant on the same-origin-only %s', async (route) => {
      for (const origin of [ALLOWED, ALLOWED_WITH_PORT]) {
        const { path, options } = validRequests[route]();
        const response = await call(stack(), path, withOrigin(options, origin));
        expect(response.status).toBe(403);
        expectNoCorsGrant(response);
        const preflight = await call(stack(), route, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'GET' } });
        expect(preflight.status).toBe(403);
        expectNoCorsGrant(preflight);
      }
    });

    it.each(crossOriginRoutes)('gets the exact origin and credentials on %s, never *', async (route) => {
      for (const origin of [ALLOWED, ALLOWED_WITH_PORT]) {
        const { path, options, status } = validRequests[route]();
        const response = await call(stack(), path, withOrigin(options, origin));
        expect(response.status).toBe(status);
        expectCorsGrant(response, origin);
        expect(response.headers.get('access-control-allow-origin')).not.toBe('*');
      }
    });

    it('gets CORS headers on error responses too, so the page can read them', async () => {
      const bad = await call(stack(), '/v1/collect', {
        method: 'POST',
        body: JSON.stringify({ id: 'bad id' }),
        headers: { 'content-type': 'application/json', origin: ALLOWED },
      });
      expect(bad.status).toBe(400);
      expectCorsGrant(bad, ALLOWED);
      const wrongMethod = await call(stack(), '/v1/collect', { method: 'DELETE', headers: { origin: ALLOWED } });
      expect(wrongMethod.status).toBe(405);
      expectCorsGrant(wrongMethod, ALLOWED);
    });

    it.each(crossOriginRoutes)('gets its preflight to %s answered 204', async (route) => {
      const response = await call(stack(), route, {
        method: 'OPTIONS',
        headers: { origin: ALLOWED, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
      });
      expect(response.status).toBe(204);
      expectCorsGrant(response, ALLOWED);
      expect(response.headers.get('access-control-allow-methods')).toContain('OPTIONS');
      expect(response.headers.get('access-control-allow-headers')).toContain('content-type');
    });

    it('is stored like any other request', async () => {
      const url = page();
      const before = await countItems(stack());
      const response = await call(stack(), '/v1/collect', {
        method: 'POST',
        body: JSON.stringify({ id: 'corsStored', url }),
        headers: { 'content-type': 'text/plain', origin: ALLOWED },
      });
      expect(response.status).toBe(204);
      expect(await countItems(stack())).toBeGreaterThan(before);
    });
  });

  describe('the same origin', () => {
    it.each(routes)('is allowed on %s without a CORS grant', async (route) => {
      const { path, options, status } = validRequests[route]();
      const response = await call(stack(), path, withOrigin(options, stack().url));
      expect(response.status).toBe(status);
      expect(response.headers.get('access-control-allow-origin')).toBeNull();
    });

    it('gets its preflight answered 204', async () => {
      const response = await call(stack(), '/v1/collect', { method: 'OPTIONS', headers: { origin: stack().url } });
      expect(response.status).toBe(204);
    });
  });

  it('serves requests without an Origin (navigations, server-to-server) without CORS headers', async () => {
    const { path, options, status } = validRequests['/v1/collect']();
    const response = await call(stack(), path, options);
    expect(response.status).toBe(status);
    expectNoCorsGrant(response);
  });
});
