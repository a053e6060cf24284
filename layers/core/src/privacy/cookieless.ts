import { createHmac, randomBytes } from 'node:crypto';
import { parseIp } from '../domain/ip';

/** Where the random daily salts live (the table: `pk = SALT`, `sk = <yyyy-mm-dd>`). */
export interface SaltStore {
  get(day: string): Promise<Buffer | undefined>;
  /** Stores `salt` for `day` unless one exists; returns the stored one either way. */
  create(day: string, salt: Buffer, expiresAt: number): Promise<Buffer>;
  remove(day: string): Promise<void>;
}

export interface CookielessInput {
  /** The site the request belongs to: the request origin (`https://shop.example`). */
  readonly site: string;
  /** The full client IP, used in memory only. */
  readonly ip: string | undefined;
  readonly userAgent: string | undefined;
  readonly at: Date;
}

export interface CookielessSession {
  readonly sessionId: string;
  /** True when yesterday's salt gave a session that exists: a session that crossed midnight. */
  readonly continued: boolean;
}

export interface CookielessSessions {
  resolve(input: CookielessInput): Promise<CookielessSession>;
}

/** `2026-11-22`: the UTC day a salt belongs to. */
export function saltDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}

function dayBefore(day: string, days = 1): string {
  return saltDay(new Date(Date.parse(`${day}T00:00:00.000Z`) - days * 86_400_000));
}

/** Salts are at least 16 random bytes; 32 are used. */
export const SALT_BYTES = 32;
/** A salt is current for its day and previous for the next, then deleted: 48 hours from its day's start. */
export const SALT_LIFETIME_SECONDS = 48 * 3600;

/**
 * The cookieless session id: HMAC-SHA256 keyed with the day's random salt over the site, the IP and
 * the user agent, cut to 128 bits (the cookie id's format). Without the salt it cannot be recomputed,
 * and the salt is deleted 48 hours after its day began.
 * @example cookielessSessionId(salt, { site: 'https://shop.example', ip: '203.0.113.7', userAgent })
 */
export function cookielessSessionId(salt: Buffer, input: Omit<CookielessInput, 'at'>): string {
  const ip = parseIp(input.ip)?.toString() ?? '';
  return createHmac('sha256', salt).update(`${input.site}\n${ip}\n${input.userAgent ?? ''}`).digest().subarray(0, 16).toString('base64url');
}

/**
 * Cookieless sessions over random daily salts (Plausible's scheme): today's salt is created on
 * first use with a conditional put, so concurrent cold starts agree, and cached in memory for the
 * day; yesterday's is read once. A visitor whose session began yesterday keeps it (looked up with
 * yesterday's salt), so a session survives midnight once. Creating today's salt deletes the one of
 * the day before yesterday.
 * @example const sessions = cookielessSessions({ salts, sessionExists: async (id) => (await store.getSession(id)) !== undefined })
 */
export function cookielessSessions(deps: {
  readonly salts: SaltStore;
  readonly sessionExists: (sessionId: string) => Promise<boolean>;
  readonly random?: (bytes: number) => Buffer;
}): CookielessSessions {
  const cache = new Map<string, Promise<Buffer | undefined>>();
  const random = deps.random ?? randomBytes;

  function remember(day: string, load: () => Promise<Buffer | undefined>): Promise<Buffer | undefined> {
    let salt = cache.get(day);
    if (salt === undefined) {
      salt = load();
      // A failed read is not cached: the next request tries again.
      salt.catch(() => cache.delete(day));
      cache.set(day, salt);
    }
    return salt;
  }

  function today(day: string): Promise<Buffer | undefined> {
    return remember(day, async () => {
      const existing = await deps.salts.get(day);
      if (existing !== undefined) return existing;
      const expires = Math.floor(Date.parse(`${day}T00:00:00.000Z`) / 1000) + SALT_LIFETIME_SECONDS;
      const salt = await deps.salts.create(day, random(SALT_BYTES), expires);
      await deps.salts.remove(dayBefore(day, 2)).catch(() => undefined);
      return salt;
    });
  }

  return {
    async resolve(input) {
      const day = saltDay(input.at);
      const yesterday = dayBefore(day);
      for (const known of cache.keys()) if (known !== day && known !== yesterday) cache.delete(known);
      const [current, previous] = await Promise.all([today(day), remember(yesterday, () => deps.salts.get(yesterday))]);
      if (current === undefined) throw new Error(`no salt for ${day}`);
      if (previous !== undefined) {
        const carried = cookielessSessionId(previous, input);
        if (await deps.sessionExists(carried)) return { sessionId: carried, continued: true };
      }
      return { sessionId: cookielessSessionId(current, input), continued: false };
    },
  };
}
