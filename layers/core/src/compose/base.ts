import { randomUUID } from 'node:crypto';
import { Logger } from '@aws-lambda-powertools/logger';
import type { EdgeprintConfig } from '../config';
import type { BaseRuntime } from '../runtime';
import { createTableContext } from '../store/client';
import { dynamoEventStore } from '../store/dynamo-event-store';
import { dropCounter } from './drop-counter';
import { fromEnvironment } from './environment';

/**
 * What every HTTP function needs: config, logger, the table and the event store, drop counters,
 * clock and ids. Nothing that talks to SQS, Secrets Manager beyond start-up, or verifies tokens.
 * @example const runtime = createBaseRuntime(loadConfig(process.env))
 */
export function createBaseRuntime(config: EdgeprintConfig, overrides: Partial<Omit<BaseRuntime, 'config'>> = {}): BaseRuntime {
  const logger = overrides.logger ?? new Logger({ serviceName: 'edgeprint' });
  const table = overrides.table ?? createTableContext({ tableName: config.tableName, region: config.region, endpoint: config.dynamodbEndpoint });
  return {
    config,
    logger,
    table,
    store: overrides.store ?? dynamoEventStore(table, config.retention),
    drops: overrides.drops ?? dropCounter(logger, table),
    now: overrides.now ?? (() => new Date()),
    newEventId: overrides.newEventId ?? randomUUID,
  };
}

/** The base runtime from the environment, once per cold start (`/v1/hits`, the snippet). @example httpEndpoint(baseRuntimeFromEnvironment, spec) */
export const baseRuntimeFromEnvironment = fromEnvironment((config) => createBaseRuntime(config));
