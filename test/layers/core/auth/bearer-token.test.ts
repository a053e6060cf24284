import { SignJWT } from 'jose';
import { bearerToken, tokenVerifier } from '../../../../layers/core/src/auth/bearer-token';
import { ServiceUnavailableError, UnauthorizedError } from '../../../../layers/core/src/errors';
import { AUDIENCE, ISSUER, signHs256, startIdentityProvider, type LocalIdentityProvider } from '../../../helpers/jwt';

const SECRET = 'shared-hs256-secret-of-at-least-32-chars!';

/** The outcome of a verification: the user, or the error's status, code and message (which must never vary for 401s). */
async function outcome(promise: Promise<string>): Promise<string> {
  try {
    return `user ${await promise}`;
  } catch (error) {
    const known = error as UnauthorizedError;
    return `${known.status} ${known.code} ${known.message}`;
  }
}

const REFUSED = '401 unauthorized Authentication failed';

describe('bearerToken()', () => {
  it.each([
    [undefined, undefined],
    ['Basic dXNlcjpwYXNz', undefined],
    ['Bearer a.b.c', 'a.b.c'],
    ['bearer   aaa.bbb.  ', 'aaa.bbb.'],
  ])('reads %j as %j', (header, token) => {
    expect(bearerToken(header)).toBe(token);
  });

  it.each(['Bearer', 'Bearer   ', 'Bearer not-a-jwt', 'Bearer a.b.c.d', 'Bearer a.b$.c', `Bearer ${'a'.repeat(9000)}.b.c`])('refuses %j with a 401', (header) => {
    expect(() => bearerToken(header)).toThrow(UnauthorizedError);
  });
});

describe('tokenVerifier()', () => {
  describe('with a shared HS256 secret', () => {
    const verifier = tokenVerifier({ secret: SECRET, issuer: ISSUER, audience: [AUDIENCE] });

    it('returns the subject of a valid token', async () => {
      expect(await verifier.verify(await signHs256(SECRET, { sub: 'user-7' }))).toBe('user-7');
    });

    it('refuses expired, foreign, mis-addressed, unsigned and subject-less tokens with one and the same 401', async () => {
      const tokens = [
        await signHs256(SECRET, { sub: 'user-7' }, { expiresIn: Math.floor(Date.now() / 1000) - 60 }),
        await signHs256('another-secret-of-at-least-32-characters', { sub: 'user-7' }),
        await signHs256(SECRET, { sub: 'user-7' }, { issuer: 'https://evil.example/' }),
        await signHs256(SECRET, { sub: 'user-7' }, { audience: 'someone-else' }),
        await signHs256(SECRET, {}),
        await signHs256(SECRET, { sub: 'has spaces and / slashes' }),
        // alg "none": a well-formed header and payload with an empty signature.
        `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify({ sub: 'user-7', exp: 4102444800, iss: ISSUER, aud: AUDIENCE })).toString('base64url')}.`,
        'eyJhbGciOiJIUzI1NiJ9.bm90IGpzb24.c2ln',
      ];
      const outcomes = await Promise.all(tokens.map((token) => outcome(verifier.verify(token))));
      expect(outcomes).toEqual(tokens.map(() => REFUSED));
    });

    it('refuses a token without exp', async () => {
      const token = await new SignJWT({ sub: 'user-7' }).setProtectedHeader({ alg: 'HS256' }).setIssuer(ISSUER).setAudience(AUDIENCE).sign(new TextEncoder().encode(SECRET));
      expect(await outcome(verifier.verify(token))).toBe(REFUSED);
    });
  });

  describe('with a JWKS URL', () => {
    let idp: LocalIdentityProvider;
    beforeAll(async () => {
      idp = await startIdentityProvider();
    });
    afterAll(async () => {
      await idp.close();
    });

    it('verifies RS256 tokens against the fetched key set and caches it', async () => {
      const verifier = tokenVerifier({ jwksUrl: idp.jwksUrl, issuer: ISSUER, audience: [AUDIENCE] });
      expect(await verifier.verify(await idp.sign({ sub: 'rs-user' }))).toBe('rs-user');
      expect(await verifier.verify(await idp.sign({ sub: 'rs-user-2' }))).toBe('rs-user-2');
      expect(idp.fetches).toBe(1);
    });

    it('refuses an unknown key id, an HS256 token when no secret is set, and an expired token alike', async () => {
      const verifier = tokenVerifier({ jwksUrl: idp.jwksUrl, issuer: ISSUER, audience: [AUDIENCE] });
      const outcomes = await Promise.all([
        outcome(verifier.verify(await idp.sign({ sub: 'rs-user' }, { kid: 'unknown-key' }))),
        outcome(verifier.verify(await signHs256(SECRET, { sub: 'rs-user' }))),
        outcome(verifier.verify(await idp.sign({ sub: 'rs-user' }, { expiresIn: Math.floor(Date.now() / 1000) - 3600 }))),
      ]);
      expect(outcomes).toEqual([REFUSED, REFUSED, REFUSED]);
    });

    it('answers 503, not 401, when the key set cannot be fetched', async () => {
      const verifier = tokenVerifier({ jwksUrl: 'http://127.0.0.1:9/.well-known/jwks.json' });
      const attempt = verifier.verify(await idp.sign({ sub: 'rs-user' }));
      await expect(attempt).rejects.toBeInstanceOf(ServiceUnavailableError);
    });
  });

  it('refuses every token when nothing is configured', async () => {
    expect(await outcome(tokenVerifier(undefined).verify(await signHs256(SECRET, { sub: 'user-7' })))).toBe(REFUSED);
  });
});
