import autocannon from 'autocannon';

export interface LoadSettings {
  readonly connections: number;
  readonly durationSeconds: number;
}

/** One autocannon run: a fixed request, or one rebuilt per request by a `setupRequest` module. */
export interface LoadScenario {
  readonly title: string;
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  /** Absolute path of a module exporting autocannon's `setupRequest` function. */
  readonly setupRequest?: string;
}

export interface LoadResult {
  readonly title: string;
  readonly durationSeconds: number;
  readonly requests: number;
  readonly requestsPerSecond: number;
  readonly latencyP50Ms: number;
  readonly latencyP99Ms: number;
  readonly latencyMaxMs: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly timeouts: number;
  readonly statusCodes: Readonly<Record<string, number>>;
}

/**
 * Runs one scenario against `url`. autocannon runs in one worker thread, so the load generator does
 * not share the event loop of the stack it measures (on 2 cores: one for each).
 * @example const result = await runLoad(stack.url, scenario, { connections: 32, durationSeconds: 20 })
 */
export async function runLoad(url: string, scenario: LoadScenario, settings: LoadSettings): Promise<LoadResult> {
  const result = await autocannon({
    url,
    title: scenario.title,
    connections: settings.connections,
    duration: settings.durationSeconds,
    workers: 1,
    timeout: 10,
    requests: [
      {
        method: scenario.method,
        path: scenario.path,
        headers: { ...scenario.headers },
        ...(scenario.body === undefined ? {} : { body: scenario.body }),
        ...(scenario.setupRequest === undefined ? {} : { setupRequest: scenario.setupRequest }),
      },
    ],
  });
  const statusCodes: Record<string, number> = {};
  for (const [code, stats] of Object.entries(result.statusCodeStats)) statusCodes[code] = stats.count;
  const requests = Object.values(statusCodes).reduce((sum, count) => sum + count, 0);
  return {
    title: scenario.title,
    durationSeconds: result.duration,
    requests,
    requestsPerSecond: result.requests.average ?? 0,
    latencyP50Ms: result.latency.p50 ?? 0,
    latencyP99Ms: result.latency.p99 ?? 0,
    latencyMaxMs: result.latency.max ?? 0,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodes,
  };
}
