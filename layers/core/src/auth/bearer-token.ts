import { createRemoteJWKSet, errors, jwtVerify, type JWTHeaderParameters, type FlattenedJWSInput } from 'jose';
import type { JwtConfig } from '../config';
import { isUserId } from '../domain/user-id';
import { ServiceUnavailableError, UnauthorizedError } from '../errors';

const COMPACT_JWT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;
const MAX_TOKEN_LENGTH = 8192;
const ASYMMETRIC = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];

/**
 * The token of an `Authorization: Bearer <JWT>` header. Undefined when there is no Authorization
 * header or it uses another scheme (that is "no token"); an UnauthorizedError when it says Bearer
 * but what follows is not a compact JWT.
 * @example bearerToken('Bearer eyJhbGciOi….eyJzdWIiOi….c2ln') // 'eyJhbGciOi….eyJzdWIiOi….c2ln'
 */
export function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const trimmed = header.trim();
  if (!/^bearer(\s|$)/i.test(trimmed)) return undefined;
  const token = trimmed.slice(6).trim();
  if (token.length === 0 || token.length > MAX_TOKEN_LENGTH || !COMPACT_JWT.test(token)) throw new UnauthorizedError();
  return token;
}

export interface TokenVerifier {
  /** The user the token names (its `sub`); UnauthorizedError for any invalid, expired or foreign token. */
  verify(token: string): Promise<string>;
}

/**
 * Verifies JWTs against the configured JWKS URL (asymmetric algorithms, keys cached by jose) and/or
 * a shared HS256 secret; `exp` and `sub` are required, `iss` and `aud` checked when configured.
 * Every failure is the same UnauthorizedError (never which check failed); only an unreachable JWKS
 * is a 503, since the token may be fine. Without configuration every token is refused.
 * @example const userId = await tokenVerifier(config.jwt).verify(token)
 */
export function tokenVerifier(config: JwtConfig | undefined, options: { now?: () => Date } = {}): TokenVerifier {
  if (config === undefined) {
    return { verify: async () => Promise.reject(new UnauthorizedError()) };
  }
  const secret = config.secret === undefined ? undefined : new TextEncoder().encode(config.secret);
  const jwks = config.jwksUrl === undefined ? undefined : createRemoteJWKSet(new URL(config.jwksUrl), { timeoutDuration: 3000, cooldownDuration: 30_000 });
  const algorithms = [...(secret === undefined ? [] : ['HS256']), ...(jwks === undefined ? [] : ASYMMETRIC)];
  const key = async (header: JWTHeaderParameters, token: FlattenedJWSInput) => {
    if (header.alg === 'HS256' && secret !== undefined) return secret;
    if (jwks === undefined) throw new errors.JOSEAlgNotAllowed('algorithm not allowed');
    try {
      return await jwks(header, token);
    } catch (error) {
      // The key set could not be fetched: the token may be fine, so this is ours to retry, not a 401.
      if (error instanceof errors.JWKSTimeout || !(error instanceof errors.JOSEError)) {
        throw new ServiceUnavailableError('Could not fetch the JSON Web Key Set', error);
      }
      throw error;
    }
  };
  return {
    async verify(token) {
      let subject: unknown;
      try {
        const { payload } = await jwtVerify(token, key, {
          algorithms,
          issuer: config.issuer,
          audience: config.audience === undefined ? undefined : [...config.audience],
          requiredClaims: ['exp', 'sub'],
          clockTolerance: 5,
          currentDate: options.now?.(),
        });
        subject = payload.sub;
      } catch (error) {
        if (error instanceof ServiceUnavailableError) throw error;
        throw new UnauthorizedError(error);
      }
      if (!isUserId(subject)) throw new UnauthorizedError();
      return subject;
    },
  };
}
