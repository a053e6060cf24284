import type { EdgeprintConfig } from '../config';
import type { UserRuntime } from '../runtime';
import { dynamoUserStore } from '../store/dynamo-user-store';
import { createBaseRuntime } from './base';
import { fromEnvironment } from './environment';

/**
 * What the admin routes on users need (`/v1/link`, `/v1/users/…`, the erasures): the base runtime
 * and the user store. No token verifier (jose: only `/v1/activity` checks bearer tokens), no cookieless salts.
 * @example const runtime = createUserRuntime(loadConfig(process.env))
 */
export function createUserRuntime(config: EdgeprintConfig, overrides: Partial<Omit<UserRuntime, 'config'>> = {}): UserRuntime {
  const base = createBaseRuntime(config, overrides);
  return { ...base, users: overrides.users ?? dynamoUserStore(base.table, config.retention) };
}

/** The user routes' runtime from the environment, once per cold start. @example httpEndpoint(userRuntimeFromEnvironment, spec) */
export const userRuntimeFromEnvironment = fromEnvironment((config) => createUserRuntime(config));
