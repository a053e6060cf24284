import type { Retention } from '../config';
import type { UserStore } from '../domain/users';
import { EdgeprintError, ServiceUnavailableError } from '../errors';
import { eraseSession, eraseUser } from '../privacy/erase';
import type { TableContext } from './client';
import { indexSessionDevices } from './devices/index-session-devices';
import { listUserDevices } from './devices/list-user-devices';
import { touchDevices } from './devices/touch-devices';
import { linkSession } from './links/link-session';
import { listUserSessions } from './users/list-user-sessions';

/**
 * The DynamoDB implementation of the users and privacy port. SDK failures become a retryable
 * ServiceUnavailableError; domain errors (a ConflictError) pass through.
 * @example const users = dynamoUserStore(table, config.retention)
 */
export function dynamoUserStore(table: TableContext, retention: Retention): UserStore {
  const store: UserStore = {
    linkSession: (input) => linkSession(table, { ...input, retentionDays: retention.sessions }),
    indexSessionDevices: (userId, sessionId) => indexSessionDevices(table, userId, sessionId, retention.devices),
    touchDevices: (userId, sightings) => touchDevices(table, userId, sightings, retention.devices),
    listSessions: (userId, page) => listUserSessions(table, userId, page),
    listDevices: (userId, page) => listUserDevices(table, userId, page),
    eraseUser: (userId) => eraseUser(table, userId),
    eraseSession: (sessionId) => eraseSession(table, sessionId),
  };
  const wrapped = {} as Record<string, unknown>;
  for (const [name, method] of Object.entries(store) as [string, (...args: unknown[]) => Promise<unknown>][]) {
    wrapped[name] = async (...args: unknown[]) => {
      try {
        return await method(...args);
      } catch (error) {
        throw error instanceof EdgeprintError ? error : new ServiceUnavailableError(`DynamoDB ${name} failed`, error);
      }
    };
  }
  return wrapped as unknown as UserStore;
}
