import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';

/** An identity provider on loopback: an RS256 key pair and its JWKS at `<url>/.well-known/jwks.json`. */
export interface LocalIdentityProvider {
  readonly jwksUrl: string;
  readonly issuer: string;
  /** Signs a token with the provider's key (`kid` matches the JWKS). */
  sign(claims: Record<string, unknown>, options?: { expiresIn?: string | number; kid?: string; issuer?: string; audience?: string }): Promise<string>;
  /** How many times the JWKS was fetched. */
  readonly fetches: number;
  close(): Promise<void>;
}

export const ISSUER = 'https://id.shop.example/';
export const AUDIENCE = 'edgeprint-activity';

/** Starts the provider: a real HTTP server serving a real JWKS, so jose's remote key set is exercised. */
export async function startIdentityProvider(): Promise<LocalIdentityProvider> {
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid: 'test-key-1', alg: 'RS256', use: 'sig' };
  let fetches = 0;
  const server: Server = createServer((request, response) => {
    if (request.url !== '/.well-known/jwks.json') {
      response.writeHead(404).end();
      return;
    }
    fetches += 1;
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    jwksUrl: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    issuer: ISSUER,
    get fetches() {
      return fetches;
    },
    sign: (claims, options = {}) => signWith(privateKey, 'RS256', claims, { kid: 'test-key-1', ...options }),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Signs claims with a key (RS256 private key, or an HS256 secret). Defaults: this issuer and audience, 10 minutes. */
export async function signWith(
  key: CryptoKey | Uint8Array,
  alg: 'RS256' | 'HS256',
  claims: Record<string, unknown>,
  options: { expiresIn?: string | number; kid?: string; issuer?: string; audience?: string } = {},
): Promise<string> {
  let jwt = new SignJWT(claims).setProtectedHeader({ alg, ...(options.kid === undefined ? {} : { kid: options.kid }) }).setIssuedAt();
  jwt = jwt.setIssuer(options.issuer ?? ISSUER).setAudience(options.audience ?? AUDIENCE);
  if (options.expiresIn !== undefined || !('exp' in claims)) jwt = jwt.setExpirationTime(options.expiresIn ?? '10m');
  return jwt.sign(key);
}

/** An HS256 token for the shared secret. */
export function signHs256(secret: string, claims: Record<string, unknown>, options: { expiresIn?: string | number; issuer?: string; audience?: string } = {}): Promise<string> {
  return signWith(new TextEncoder().encode(secret), 'HS256', claims, options);
}
