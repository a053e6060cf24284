import type { Retention } from '../config';
import type { EventStore } from '../domain/records';
import { translateErrors } from './translate-errors';
import { putActivity } from './activity/put-activity';
import type { TableContext } from './client';
import { getHitCounts } from './hits/get-hit-counts';
import { touchDevices } from './devices/touch-devices';
import { putRecord } from './records/put-record';
import { createSession } from './sessions/create-session';
import { getSession } from './sessions/get-session';
import { passViewGate } from './views/pass-view-gate';
import { reopenViewGate } from './views/reopen-view-gate';

/**
 * The DynamoDB implementation of the domain's storage port: one access-pattern file per method.
 * `retention` is the TTL per item type, or one number of days for every type.
 * @example const store = dynamoEventStore(createTableContext({ tableName, region }), config.retention)
 */
export function dynamoEventStore(table: TableContext, retention: number | Retention): EventStore {
  const days: Retention =
    typeof retention === 'number'
      ? { sessions: retention, fingerprints: retention, markers: retention, devices: retention, events: retention, activity: retention }
      : retention;
  return translateErrors({
    getSession: (sessionId) => getSession(table, sessionId),
    passViewGate: (input) => passViewGate(table, input, days.markers),
    reopenViewGate: (input, result) => reopenViewGate(table, input, result),
    createSession: (record, touch) => createSession(table, record, touch, days.sessions),
    putRecord: (record) => putRecord(table, record, record.kind === 'request' ? days.fingerprints : days.events),
    getHitCounts: (urls) => getHitCounts(table, urls),
    putActivity: (activity) => putActivity(table, activity, days.activity),
    touchDevices: (userId, sightings) => touchDevices(table, userId, sightings, days.devices),
  });
}
