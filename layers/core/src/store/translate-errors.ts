import { EdgeprintError, ServiceUnavailableError } from '../errors';

/**
 * Wraps every method of a store so SDK failures (throttling, timeouts, a missing table) become one
 * retryable domain error; domain errors pass through unchanged.
 * @example return translateErrors({ getSession: (id) => getSession(table, id) })
 */
export function translateErrors<T extends object>(store: T): T {
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
  return wrapped as T;
}
