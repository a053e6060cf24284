import { randomBytes } from 'node:crypto';
import { cookielessSessionId, cookielessSessions, SALT_BYTES, saltDay, type SaltStore } from '../../../../layers/core/src/privacy/cookieless';
import { keys } from '../../../../layers/core/src/store/keys';
import { createSalt } from '../../../../layers/core/src/store/salts/create-salt';
import { deleteSalt } from '../../../../layers/core/src/store/salts/delete-salt';
import { getSalt } from '../../../../layers/core/src/store/salts/get-salt';
import { requestRecord, useDynaliteTable } from '../store/table-fixture';
import { firstTouch } from '../../../../layers/core/src/domain/attribution';
import { recordVisit } from '../../../../layers/core/src/domain/record-visit';

const VISITOR = { site: 'https://shop.example', ip: '203.0.113.7', userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0' };

describe('cookielessSessions()', () => {
  const db = useDynaliteTable();

  function salts(): SaltStore {
    return {
      get: (day) => getSalt(db().table, day),
      create: (day, salt, expires) => createSalt(db().table, day, salt, expires),
      remove: (day) => deleteSalt(db().table, day),
    };
  }

  /** A fresh "cold start": its own in-memory cache, the same table. */
  function coldStart() {
    return cookielessSessions({ salts: salts(), sessionExists: async (id) => (await db().store.getSession(id)) !== undefined });
  }

  /** Stores a session the way the API does when the visitor's first request is recorded. */
  async function recordSession(sessionId: string, at: Date): Promise<void> {
    const record = requestRecord({ sessionId, at });
    await recordVisit(db().store, { record, sessionIsNew: false, firstTouch: firstTouch(record.url, undefined), debounceSeconds: 10, gate: { url: record.url, kind: 'request', countHit: true } });
  }

  it('keeps a session across midnight once, then starts a new one, and deletes salts after 48 hours', async () => {
    const sessions = coldStart();
    const dayOne = new Date('2030-01-10T23:59:59.000Z');
    const first = await sessions.resolve({ ...VISITOR, at: dayOne });
    expect(first.continued).toBe(false);
    await recordSession(first.sessionId, dayOne);

    // Two seconds later it is another UTC day with a new salt, but the visitor keeps the session.
    const justAfter = await coldStart().resolve({ ...VISITOR, at: new Date('2030-01-11T00:00:01.000Z') });
    expect(justAfter).toEqual({ sessionId: first.sessionId, continued: true });
    // Someone new on day two gets an id from day two's salt.
    const newcomer = await sessions.resolve({ ...VISITOR, ip: '198.51.100.9', at: new Date('2030-01-11T10:00:00.000Z') });
    expect(newcomer.continued).toBe(false);

    // Day three: day one's salt is deleted when day three's is created; the old session cannot be found again.
    const dayThree = await coldStart().resolve({ ...VISITOR, at: new Date('2030-01-12T00:00:01.000Z') });
    expect(dayThree.continued).toBe(false);
    expect(dayThree.sessionId).not.toBe(first.sessionId);
    expect(await getSalt(db().table, '2030-01-10')).toBeUndefined();
    expect(await getSalt(db().table, '2030-01-11')).toBeDefined();
  });

  it('gives a different id per site, IP and user agent, and none of them is the hash of another salt', async () => {
    const at = new Date('2030-02-01T12:00:00.000Z');
    const sessions = coldStart();
    const base = (await sessions.resolve({ ...VISITOR, at })).sessionId;
    const variants = await Promise.all([
      sessions.resolve({ ...VISITOR, site: 'https://other.example', at }),
      sessions.resolve({ ...VISITOR, ip: '203.0.113.8', at }),
      sessions.resolve({ ...VISITOR, userAgent: `${VISITOR.userAgent} Extra`, at }),
    ]);
    expect(new Set([base, ...variants.map((variant) => variant.sessionId)]).size).toBe(4);
    expect(base).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(base).not.toBe(cookielessSessionId(randomBytes(32), VISITOR));
  });

  it('stores random salts of at least 16 bytes with a 48-hour TTL, and concurrent cold starts agree on one', async () => {
    const at = new Date('2030-03-05T08:00:00.000Z');
    const racers = Array.from({ length: 6 }, () => coldStart());
    const ids = await Promise.all(racers.map((sessions) => sessions.resolve({ ...VISITOR, at })));
    expect(new Set(ids.map((id) => id.sessionId)).size).toBe(1);
    const item = await db().getItem(keys.salt(saltDay(at)));
    expect(Buffer.from(String(item?.salt), 'base64url').length).toBe(SALT_BYTES);
    expect(SALT_BYTES).toBeGreaterThanOrEqual(16);
    expect(item?.expiresAt).toBe(Date.parse('2030-03-07T00:00:00.000Z') / 1000);
  });

  it('caches the day\'s salt: a second request on the same day reads nothing', async () => {
    let reads = 0;
    const counting: SaltStore = { ...salts(), get: (day) => ((reads += 1), getSalt(db().table, day)) };
    const sessions = cookielessSessions({ salts: counting, sessionExists: async () => false });
    await sessions.resolve({ ...VISITOR, at: new Date('2030-04-01T01:00:00.000Z') });
    const afterFirst = reads;
    await sessions.resolve({ ...VISITOR, at: new Date('2030-04-01T22:00:00.000Z') });
    expect(afterFirst).toBe(2); // today's and yesterday's, once each
    expect(reads).toBe(afterFirst);
  });
});
