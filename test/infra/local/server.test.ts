import { matchLocalRoute } from '../../../infra/local/server';
import { ROUTES } from '../../../infra/routes';

describe('matchLocalRoute()', () => {
  it('matches every route of infra/routes.ts by its literal path or template', () => {
    for (const route of ROUTES) {
      const path = route.path.replace(/\{(\w+)\}/g, 'value-of-$1');
      expect(matchLocalRoute(path)?.route).toBe(route);
    }
  });

  it('prefers a literal path to a parameter, as API Gateway does', () => {
    expect(matchLocalRoute('/v1/sessions/link')).toEqual({ route: ROUTES.find((route) => route.path === '/v1/sessions/link') });
    expect(matchLocalRoute('/v1/sessions/AbCdEfGhIjKlMnOpQrStUv')).toEqual({
      route: ROUTES.find((route) => route.path === '/v1/sessions/{sessionId}'),
      pathParameters: { sessionId: 'AbCdEfGhIjKlMnOpQrStUv' },
    });
  });

  it('gives the raw segment as the parameter, and matches one whole segment only', () => {
    expect(matchLocalRoute('/v1/users/a%40b/devices')?.pathParameters).toEqual({ userId: 'a%40b' });
    expect(matchLocalRoute('/v1/users/a/b/devices')).toBeUndefined();
    expect(matchLocalRoute('/v1/users//sessions')).toBeUndefined();
    expect(matchLocalRoute('/v1/users/u/sessions/')).toBeUndefined();
    expect(matchLocalRoute('/v1/unknown')).toBeUndefined();
  });
});
