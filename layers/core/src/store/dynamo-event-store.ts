import type { EventStore } from '../domain/records';
import { EdgeprintError, ServiceUnavailableError } from '../errors';
import { putActivity } from './activity/put-activity';
import type { TableContext } from './client';
import { getHitCounts } from './hits/get-hit-counts';
import { incrementHitCounter } from './hits/increment-hit-counter';
import { putRecord } from './records/put-record';
import { createSession } from './sessions/create-session';
import { getSession } from './sessions/get-session';
import { passViewGate } from './views/pass-view-gate';
import { reopenViewGate } from './views/reopen-view-gate';

/**
 * The DynamoDB implementation of the domain's storage port: one access-pattern file per method.
 * @example const store = dynamoEventStore(createTableContext({ tableName, region }), 395)
 */
export function dynamoEventStore(table: TableContext, retentionDays: number): EventStore {
  return translateErrors({
    getSession: (sessionId) => getSession(table, sessionId),
    passViewGate: (input) => passViewGate(table, input, retentionDays),
    reopenViewGate: (input, result) => reopenViewGate(table, input, result),
    createSession: (record, touch) => createSession(table, record, touch, retentionDays),
    putRecord: (record) => putRecord(table, record, retentionDays),
    incrementHitCounter: (url) => incrementHitCounter(table, url),
    getHitCounts: (urls) => getHitCounts(table, urls),
    putActivity: (activity) => putActivity(table, activity, retentionDays),
  });
}

/** SDK failures (throttling, timeouts, a missing table) become one retryable domain error. */
function translateErrors(store: EventStore): EventStore {
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
  return wrapped as unknown as EventStore;
}
