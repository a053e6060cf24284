import type { EdgeprintConfig } from './config';
import type { EventStore } from './domain/records';
import type { UserStore } from './domain/users';
import { tokenVerifier, type TokenVerifier } from './auth/bearer-token';
import type { CookielessSessions } from './privacy/cookieless';
import { cookielessFor } from './compose/cookieless';
import { fromEnvironment, resetComposedRuntimes } from './compose/environment';
import { createUserRuntime } from './compose/users';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { TableContext } from './store/client';
import type { DropCounter } from './compose/drop-counter';

export type { DropCounter } from './compose/drop-counter';

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

/** What every HTTP function has: config, logger, table, event store, drop counters, clock and ids (`compose/base.ts`). */
export type BaseRuntime = Pick<Runtime, 'config' | 'logger' | 'table' | 'store' | 'drops' | 'now' | 'newEventId'>;

/** What the user routes have: the base plus the user store (`compose/users.ts`). */
export type UserRuntime = BaseRuntime & Pick<Runtime, 'users'>;

/** What the recording routes have: the base plus cookieless sessions (`compose/visit.ts`). */
export type VisitRuntime = BaseRuntime & Pick<Runtime, 'cookieless'>;

/**
 * Everything any function can need, built at once: the local stack's shared handlers, the SDK's
 * `recordRequest()`, the admin and forwarding functions. The hot HTTP functions compose less
 * (`compose/`), so they load only what their route uses.
 * @example const runtime = createRuntime(loadConfig(process.env))
 */
export function createRuntime(config: EdgeprintConfig, overrides: Partial<Omit<Runtime, 'config'>> = {}): Runtime {
  const user = createUserRuntime(config, overrides);
  return {
    ...user,
    tokens: overrides.tokens ?? tokenVerifier(config.jwt),
    cookieless: overrides.cookieless ?? cookielessFor(config, user.table, user.store),
  };
}

/**
 * The process-wide full runtime from the environment, created on first use (cold start) and reused.
 * A failed start (a missing secret, say) is not cached, so the next invocation tries again.
 * @example export const handler = httpEndpoint(runtimeFromEnvironment, { methods: ['GET'], handle: userSessions })
 */
export const runtimeFromEnvironment: () => Promise<Runtime> = fromEnvironment((config) => createRuntime(config));

/** Forgets every process-wide runtime (full and composed) so the next request reads the environment again (local stack restarts, tests). */
export function resetRuntimeForTests(): void {
  resetComposedRuntimes();
}
