import { apiKeyFrom, requireApiKey } from '../../../../layers/core/src/auth/api-key';
import { UnauthorizedError } from '../../../../layers/core/src/errors';

const KEY = 'k3y-of-the-site-backend-0123456789';

describe('apiKeyFrom()', () => {
  it.each([
    [{ authorization: `Bearer ${KEY}` }, KEY],
    [{ authorization: `bearer   ${KEY}  ` }, KEY],
    [{ 'x-api-key': KEY }, KEY],
    [{ authorization: `Basic ${KEY}`, 'x-api-key': KEY }, KEY],
    [{ authorization: 'Bearer' }, undefined],
    [{ authorization: `Bearer ${KEY} extra` }, undefined],
    [{ 'x-api-key': '' }, undefined],
    [{ 'x-api-key': 'x'.repeat(513) }, undefined],
    [{}, undefined],
  ])('reads %j as %s', (headers, expected) => {
    expect(apiKeyFrom(headers)).toBe(expected);
  });
});

describe('requireApiKey()', () => {
  it('accepts the configured key in either header', () => {
    expect(() => requireApiKey({ authorization: `Bearer ${KEY}` }, KEY)).not.toThrow();
    expect(() => requireApiKey({ 'x-api-key': KEY }, KEY)).not.toThrow();
  });

  it('refuses a missing, wrong, longer, shorter or unconfigured key with the same error', () => {
    const failures = [
      () => requireApiKey({}, KEY),
      () => requireApiKey({ 'x-api-key': `${KEY.slice(0, -1)}x` }, KEY),
      () => requireApiKey({ 'x-api-key': `${KEY}0` }, KEY),
      () => requireApiKey({ 'x-api-key': KEY.slice(1) }, KEY),
      () => requireApiKey({ 'x-api-key': KEY }, undefined),
      () => requireApiKey({}, undefined),
    ];
    const messages = failures.map((failure) => {
      try {
        failure();
        return 'accepted';
      } catch (error) {
        expect(error).toBeInstanceOf(UnauthorizedError);
        return `${(error as UnauthorizedError).status} ${(error as UnauthorizedError).code} ${(error as Error).message}`;
      }
    });
    expect(new Set(messages)).toEqual(new Set(['401 unauthorized Authentication failed']));
  });
});
