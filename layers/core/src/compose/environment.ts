import { loadConfig, type EdgeprintConfig } from '../config';
import { readSecret } from '../secrets/read-secret';

/**
 * The environment with `EDGEPRINT_SECRET`, `EDGEPRINT_API_KEY` and `EDGEPRINT_JWT_SECRET` filled in
 * from Secrets Manager when only their `_ARN` variables are given (the deployed functions): read
 * once, at cold start.
 * @example const env = await resolveSecrets(process.env)
 */
export async function resolveSecrets(env: NodeJS.ProcessEnv): Promise<Record<string, string | undefined>> {
  // Each `<NAME>_ARN` fills `<NAME>` when it is not set directly (locally they come from config).
  const names = ['EDGEPRINT_SECRET', 'EDGEPRINT_API_KEY', 'EDGEPRINT_JWT_SECRET'] as const;
  const missing = names.filter((name) => env[name] === undefined && env[`${name}_ARN`] !== undefined);
  if (missing.length === 0) return env;
  const values = await Promise.all(missing.map((name) => readSecret(env[`${name}_ARN`] as string, env.AWS_REGION)));
  return { ...env, ...Object.fromEntries(missing.map((name, index) => [name, values[index]])) };
}

/** Every cached composition, so one reset forgets them all (the local stack restarts, tests). */
const resets = new Set<() => void>();

/**
 * A function's runtime from the environment, built by `build` on first use (cold start) and reused.
 * A failed start (a missing secret, say) is not cached, so the next invocation tries again. Each
 * function's composition root calls this with a builder of only what its route needs.
 * @example export const hitsRuntime = fromEnvironment(createBaseRuntime)
 */
export function fromEnvironment<R>(build: (config: EdgeprintConfig) => R): () => Promise<R> {
  let shared: Promise<R> | undefined;
  resets.add(() => {
    shared = undefined;
  });
  return () => {
    shared ??= resolveSecrets(process.env)
      .then((env) => build(loadConfig(env)))
      .catch((error: unknown) => {
        shared = undefined;
        throw error;
      });
    return shared;
  };
}

/** Forgets every cached runtime so the next request reads the environment again. @example resetComposedRuntimes() */
export function resetComposedRuntimes(): void {
  for (const reset of resets) reset();
}
