import { randomUUID } from 'node:crypto';
import { Logger } from '@aws-lambda-powertools/logger';
import { loadConfig, type EdgeprintConfig } from './config';
import type { DropReason } from './domain/visitor-policy';
import type { EventStore } from './domain/records';
import { createTableContext, type TableContext } from './store/client';
import { dynamoEventStore } from './store/dynamo-event-store';
import { readSecret } from './secrets/read-secret';
import type { UserStore } from './domain/users';
import { dynamoUserStore } from './store/dynamo-user-store';
import { tokenVerifier, type TokenVerifier } from './auth/bearer-token';
import { cookielessSessions, type CookielessSessions } from './privacy/cookieless';
import { getSalt } from './store/salts/get-salt';
import { createSalt } from './store/salts/create-salt';
import { deleteSalt } from './store/salts/delete-salt';
import type { PersistedDropReason } from './aggregates/counters';
import { dayOf } from './aggregates/dimensions';
import { addDropCount } from './store/aggregates/add-drop-count';
import { operatorMetrics } from './observability/metrics';

/** Counts accepted-but-not-recorded events per reason and logs the running totals. */
export interface DropCounter {
  count(reason: DropReason, route: string): void;
  /**
   * Keeps a bot or GPC drop for the dashboard: one ADD on the site's drop counters of that UTC day
   * (1 write unit). Never throws: a failed write is logged and the visitor's answer is unchanged.
   */
  persist(reason: PersistedDropReason, site: string | undefined, at: Date): Promise<void>;
  totals(): Readonly<Record<string, number>>;
}

function dropCounter(logger: Logger, table: TableContext): DropCounter {
  const totals: Record<string, number> = {};
  return {
    count(reason, route) {
      totals[reason] = (totals[reason] ?? 0) + 1;
      operatorMetrics().dropped(reason);
      logger.info('event dropped', { reason, route, droppedTotal: totals[reason] });
    },
    async persist(reason, site, at) {
      const day = dayOf(at);
      if (site === undefined || day === undefined) return;
      // Written at once rather than batched in memory: a frozen or recycled Lambda would lose a batch.
      await addDropCount(table, site, day, reason).catch((error: unknown) => {
        logger.warn('drop counter not stored', { reason, site, error: error instanceof Error ? error.message : String(error) });
      });
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
  /** The table itself, for the privacy operations that work on raw items (erasure, the TTL sweep). */
  readonly table: TableContext;
  /** Session-to-user links, the user queries and erasure. */
  readonly users: UserStore;
  /** Verifies activity-log bearer tokens (refuses every token when none is configured). */
  readonly tokens: TokenVerifier;
  /** Cookieless session ids over random daily salts; set only in cookieless mode. */
  readonly cookieless?: CookielessSessions;
}

/** @example const runtime = createRuntime(loadConfig(process.env)) */
export function createRuntime(config: EdgeprintConfig, overrides: Partial<Omit<Runtime, 'config'>> = {}): Runtime {
  const logger = overrides.logger ?? new Logger({ serviceName: 'edgeprint' });
  const table = createTableContext({ tableName: config.tableName, region: config.region, endpoint: config.dynamodbEndpoint });
  const store = overrides.store ?? dynamoEventStore(table, config.retention);
  return {
    config,
    logger,
    store,
    table: overrides.table ?? table,
    users: overrides.users ?? dynamoUserStore(table, config.retention),
    tokens: overrides.tokens ?? tokenVerifier(config.jwt),
    cookieless:
      overrides.cookieless ??
      (config.privacyMode === 'cookieless'
        ? cookielessSessions({
            salts: { get: (day) => getSalt(table, day), create: (day, salt, expires) => createSalt(table, day, salt, expires), remove: (day) => deleteSalt(table, day) },
            sessionExists: async (sessionId) => (await store.getSession(sessionId)) !== undefined,
          })
        : undefined),
    drops: overrides.drops ?? dropCounter(logger, overrides.table ?? table),
    now: overrides.now ?? (() => new Date()),
    newEventId: overrides.newEventId ?? randomUUID,
  };
}

let shared: Promise<Runtime> | undefined;

/**
 * The environment with `EDGEPRINT_SECRET`, `EDGEPRINT_API_KEY` and `EDGEPRINT_JWT_SECRET` filled in
 * from Secrets Manager when only their `_ARN` variables are given (the deployed functions): read
 * once, at cold start.
 */
async function resolveSecrets(env: NodeJS.ProcessEnv): Promise<Record<string, string | undefined>> {
  // Each `<NAME>_ARN` fills `<NAME>` when it is not set directly (locally they come from config).
  const names = ['EDGEPRINT_SECRET', 'EDGEPRINT_API_KEY', 'EDGEPRINT_JWT_SECRET'] as const;
  const missing = names.filter((name) => env[name] === undefined && env[`${name}_ARN`] !== undefined);
  if (missing.length === 0) return env;
  const values = await Promise.all(missing.map((name) => readSecret(env[`${name}_ARN`] as string, env.AWS_REGION)));
  return { ...env, ...Object.fromEntries(missing.map((name, index) => [name, values[index]])) };
}

/**
 * The process-wide runtime from the environment, created on first use (cold start) and reused.
 * A failed start (a missing secret, say) is not cached, so the next invocation tries again.
 */
export function runtimeFromEnvironment(): Promise<Runtime> {
  shared ??= resolveSecrets(process.env)
    .then((env) => createRuntime(loadConfig(env)))
    .catch((error: unknown) => {
      shared = undefined;
      throw error;
    });
  return shared;
}

/** Forgets the process-wide runtime so the next request reads the environment again (local stack restarts, tests). */
export function resetRuntimeForTests(): void {
  shared = undefined;
}
