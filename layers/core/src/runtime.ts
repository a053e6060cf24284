import { randomUUID } from 'node:crypto';
import { Logger } from '@aws-lambda-powertools/logger';
import { loadConfig, type EdgeprintConfig } from './config';
import type { DropReason } from './domain/visitor-policy';
import type { EventStore } from './domain/records';
import { createTableContext } from './store/client';
import { dynamoEventStore } from './store/dynamo-event-store';

/** Counts accepted-but-not-recorded events per reason and logs the running totals. */
export interface DropCounter {
  count(reason: DropReason, route: string): void;
  totals(): Readonly<Record<string, number>>;
}

function dropCounter(logger: Logger): DropCounter {
  const totals: Record<string, number> = {};
  return {
    count(reason, route) {
      totals[reason] = (totals[reason] ?? 0) + 1;
      logger.info('event dropped', { reason, route, droppedTotal: totals[reason] });
    },
    totals: () => ({ ...totals }),
  };
}

/** Everything a handler needs, built once per cold start and injected (clock and ids too, for tests). */
export interface Runtime {
  readonly config: EdgeprintConfig;
  readonly store: EventStore;
  readonly logger: Logger;
  readonly drops: DropCounter;
  readonly now: () => Date;
  readonly newEventId: () => string;
}

/** @example const runtime = createRuntime(loadConfig(process.env)) */
export function createRuntime(config: EdgeprintConfig, overrides: Partial<Omit<Runtime, 'config'>> = {}): Runtime {
  const logger = overrides.logger ?? new Logger({ serviceName: 'edgeprint' });
  const table = createTableContext({ tableName: config.tableName, region: config.region, endpoint: config.dynamodbEndpoint });
  return {
    config,
    logger,
    store: overrides.store ?? dynamoEventStore(table, config.retentionDays),
    drops: overrides.drops ?? dropCounter(logger),
    now: overrides.now ?? (() => new Date()),
    newEventId: overrides.newEventId ?? randomUUID,
  };
}

let shared: Runtime | undefined;

/** The process-wide runtime from the environment; created on first use (cold start), then reused. */
export function runtimeFromEnvironment(): Runtime {
  shared ??= createRuntime(loadConfig(process.env));
  return shared;
}

/** Forgets the process-wide runtime so the next request reads the environment again (local stack restarts, tests). */
export function resetRuntimeForTests(): void {
  shared = undefined;
}
