import type { Retention } from '../config';
import type { UserStore } from '../domain/users';
import { translateErrors } from './translate-errors';
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
  return translateErrors(store);
}
