import type { EdgeprintConfig } from '../config';
import type { VisitRuntime } from '../runtime';
import { createBaseRuntime } from './base';
import { cookielessFor } from './cookieless';
import { fromEnvironment } from './environment';

/**
 * What the recording routes (`/v1/collect`, `/v1/r`) need: the base runtime and, in cookieless mode,
 * the daily-salted sessions. No queue (the table's stream carries what they store), user store or token verifier.
 * @example const runtime = createVisitRuntime(loadConfig(process.env))
 */
export function createVisitRuntime(config: EdgeprintConfig, overrides: Partial<Omit<VisitRuntime, 'config'>> = {}): VisitRuntime {
  const base = createBaseRuntime(config, overrides);
  return {
    ...base,
    cookieless: overrides.cookieless ?? cookielessFor(config, base.table, base.store),
  };
}

/** The recording routes' runtime from the environment, once per cold start. @example httpEndpoint(visitRuntimeFromEnvironment, spec) */
export const visitRuntimeFromEnvironment = fromEnvironment((config) => createVisitRuntime(config));
