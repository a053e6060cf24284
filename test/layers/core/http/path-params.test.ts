import { isUserId, USER_ID_RULE } from '../../../../layers/core/src/domain/user-id';
import { InvalidPayloadError, NotFoundError } from '../../../../layers/core/src/errors';
import { matchRoute, pathParameter } from '../../../../layers/core/src/http/path-params';

describe('matchRoute()', () => {
  it.each([
    ['/v1/users/{userId}/sessions', '/v1/users/u-1/sessions', { userId: 'u-1' }],
    ['/v1/users/{userId}/sessions', '/v1/users/a%40b.example/sessions', { userId: 'a@b.example' }],
    ['/v1/users/{userId}', '/v1/users/%7BuserId%7D', { userId: '{userId}' }],
    ['/v1/sessions/{sessionId}', '/v1/sessions/link', { sessionId: 'link' }],
  ])('matches %s against %s', (template, path, params) => {
    expect(matchRoute(template, path)).toEqual(params);
  });

  it.each([
    ['/v1/users/{userId}/sessions', '/v1/users//sessions'],
    ['/v1/users/{userId}/sessions', '/v1/users/u-1/devices'],
    ['/v1/users/{userId}', '/v1/users/u-1/sessions'],
    ['/v1/users/{userId}', '/v1/users/u-1/'],
    ['/v1/users/{userId}', `/v1/users/${'a'.repeat(3000)}`],
  ])('does not match %s against %s', (template, path) => {
    expect(matchRoute(template, path)).toBeUndefined();
  });

  it('refuses broken percent-encoding with a 400 naming the parameter', () => {
    expect(() => matchRoute('/v1/users/{userId}', '/v1/users/%E0%A4%A')).toThrow(InvalidPayloadError);
    try {
      matchRoute('/v1/users/{userId}', '/v1/users/%ZZ');
    } catch (error) {
      expect((error as InvalidPayloadError).fields).toEqual({ userId: ['Must be valid percent-encoding'] });
    }
  });
});

describe('pathParameter()', () => {
  it('returns a valid parameter, 400 for an invalid one, 404 when the path does not fit', () => {
    expect(pathParameter('/v1/users/user%3A7/devices', '/v1/users/{userId}/devices', 'userId', isUserId, USER_ID_RULE)).toBe('user:7');
    expect(() => pathParameter('/v1/users/a%2Fb/devices', '/v1/users/{userId}/devices', 'userId', isUserId, USER_ID_RULE)).toThrow(InvalidPayloadError);
    expect(() => pathParameter('/v1/users/a%20b/devices', '/v1/users/{userId}/devices', 'userId', isUserId, USER_ID_RULE)).toThrow(InvalidPayloadError);
    expect(() => pathParameter('/v1/other', '/v1/users/{userId}/devices', 'userId', isUserId, USER_ID_RULE)).toThrow(NotFoundError);
  });
});
