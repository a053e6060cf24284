// autocannon ships no types: only the part of its programmatic API the benchmark uses.
declare module 'autocannon' {
  import type { EventEmitter } from 'node:events';

  namespace autocannon {
    interface RawRequest {
      method?: string;
      path?: string;
      headers?: Record<string, string>;
      body?: string | Buffer;
    }

    interface RequestSpec extends RawRequest {
      /** A function, or (in workers mode) the absolute path of a module whose export is one. */
      setupRequest?: string | ((request: RawRequest, context: Record<string, unknown>) => RawRequest);
    }

    interface Options {
      url: string;
      connections?: number;
      duration?: number;
      amount?: number;
      workers?: number;
      timeout?: number;
      title?: string;
      method?: string;
      headers?: Record<string, string>;
      body?: string;
      requests?: RequestSpec[];
    }

    /** hdr-histogram-percentiles-obj: average, mean, stddev, min, max, total and p50, p90, p99, p99_9, … */
    type Histogram = Record<string, number>;

    interface Result {
      title?: string;
      url: string;
      connections: number;
      duration: number;
      errors: number;
      timeouts: number;
      non2xx: number;
      '2xx': number;
      statusCodeStats: Record<string, { count: number }>;
      latency: Histogram;
      requests: Histogram;
      throughput: Histogram;
    }

    interface Instance extends EventEmitter, PromiseLike<Result> {
      stop(): void;
    }
  }

  function autocannon(options: autocannon.Options): autocannon.Instance;
  export = autocannon;
}
