import { randomUUID } from 'node:crypto';
import { AUDIENCE, ISSUER, signHs256, startIdentityProvider, type LocalIdentityProvider } from '../helpers/jwt';
import { call, collectJson, countItems, scanTable, sessionFrom, useLocalStack } from '../helpers/local-stack';

const SECRET = 'activity-hs256-secret-0123456789abcdef';
const REFUSED = { errors: { __all__: ['Authentication failed'] } };

describe('POST /v1/activity with Authorization: Bearer <JWT>', () => {
  let idp: LocalIdentityProvider;
  beforeAll(async () => {
    idp = await startIdentityProvider();
  });
  afterAll(async () => {
    await idp.close();
  });
  const stack = useLocalStack(() => ({
    env: { EDGEPRINT_JWT_JWKS_URL: idp.jwksUrl, EDGEPRINT_JWT_SECRET: SECRET, EDGEPRINT_JWT_ISSUER: ISSUER, EDGEPRINT_JWT_AUDIENCE: AUDIENCE },
  }));

  function post(path: string, headers: Record<string, string>, session?: string, body?: unknown): Promise<Response> {
    return call(stack(), '/v1/activity', {
      method: 'POST',
      session,
      body: JSON.stringify(body ?? { date: '2026-03-01T10:00:00Z', path }),
      headers: { 'content-type': 'application/json', ...headers },
    });
  }

  async function rowAt(path: string): Promise<Record<string, unknown> | undefined> {
    return (await scanTable(stack())).find((item) => item.type === 'activity' && item.path === path);
  }

  it('takes the user from a JWKS-verified RS256 token and makes the row findable by user', async () => {
    const path = `/bearer/${randomUUID()}`;
    const response = await post(path, { authorization: `Bearer ${await idp.sign({ sub: 'rs-user-1' })}` });
    expect(response.status).toBe(204);
    expect(await rowAt(path)).toMatchObject({ userId: 'rs-user-1', gsi1pk: 'USER#rs-user-1' });
  });

  it('takes the user from an HS256 token, over the user linked to the session', async () => {
    const sessionId = sessionFrom(await collectJson(stack(), { id: 'bearerVisitor', url: `${stack().url}/bearer` })) as string;
    await call(stack(), '/v1/sessions/link', {
      method: 'POST',
      body: JSON.stringify({ userId: 'linked-user', sessionId }),
      headers: { 'content-type': 'application/json', authorization: `Bearer ${stack().env.EDGEPRINT_API_KEY}` },
    });
    const path = `/bearer/${randomUUID()}`;
    expect((await post(path, { authorization: `Bearer ${await signHs256(SECRET, { sub: 'token-user' })}` }, sessionId)).status).toBe(204);
    expect(await rowAt(path)).toMatchObject({ userId: 'token-user', sessionId });
    const withoutToken = `/bearer/${randomUUID()}`;
    expect((await post(withoutToken, {}, sessionId)).status).toBe(204);
    expect(await rowAt(withoutToken)).toMatchObject({ userId: 'linked-user' });
  });

  it('refuses every bad token with the same 401 that names no check, and stores nothing', async () => {
    const now = Math.floor(Date.now() / 1000);
    const tokens = [
      await signHs256(SECRET, { sub: 'u' }, { expiresIn: now - 120 }),
      await signHs256('a-different-secret-0123456789abcdefgh', { sub: 'u' }),
      await signHs256(SECRET, { sub: 'u' }, { audience: 'another-api' }),
      await signHs256(SECRET, { sub: 'u' }, { issuer: 'https://evil.example/' }),
      await idp.sign({ sub: 'u' }, { kid: 'rotated-away' }),
      await idp.sign({ sub: 'u' }, { expiresIn: now - 3600 }),
      `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify({ sub: 'u', exp: now + 600, iss: ISSUER, aud: AUDIENCE })).toString('base64url')}.`,
      'not.a.token!',
      '',
    ];
    const before = await countItems(stack());
    for (const token of tokens) {
      const response = await post(`/bearer/${randomUUID()}`, { authorization: `Bearer ${token}` });
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer');
      expect(await response.json()).toEqual(REFUSED);
    }
    // Checked before the body: a bad token with a bad body is still a 401.
    expect((await post('/x', { authorization: 'Bearer a.b.c' }, undefined, { date: 'yesterday' })).status).toBe(401);
    expect(await countItems(stack())).toBe(before);
  });

  it('treats no Authorization header, or another scheme, as no token', async () => {
    for (const headers of [{}, { authorization: 'Basic dXNlcjpwYXNz' }] as Record<string, string>[]) {
      const path = `/bearer/${randomUUID()}`;
      expect((await post(path, headers)).status).toBe(204);
      const row = await rowAt(path);
      expect(row).toBeDefined();
      expect(row?.userId).toBeUndefined();
      expect(row?.gsi1pk).toBeUndefined();
    }
  });
});
