import type { EdgeprintConfig } from '../config';
import type { EventStore } from '../domain/records';
import { cookielessSessions, type CookielessSessions } from '../privacy/cookieless';
import type { TableContext } from '../store/client';
import { createSalt } from '../store/salts/create-salt';
import { deleteSalt } from '../store/salts/delete-salt';
import { getSalt } from '../store/salts/get-salt';

/**
 * Cookieless session ids over the table's daily salts; undefined unless the privacy mode is `cookieless`.
 * @example const cookieless = cookielessFor(config, table, store)
 */
export function cookielessFor(config: EdgeprintConfig, table: TableContext, store: EventStore): CookielessSessions | undefined {
  if (config.privacyMode !== 'cookieless') return undefined;
  return cookielessSessions({
    salts: { get: (day) => getSalt(table, day), create: (day, salt, expires) => createSalt(table, day, salt, expires), remove: (day) => deleteSalt(table, day) },
    sessionExists: async (sessionId) => (await store.getSession(sessionId)) !== undefined,
  });
}
