import { join } from 'node:path';
import { MessageChannel, Worker } from 'node:worker_threads';
import type { SQSBatchResponse } from 'aws-lambda';
import type { InProcessHandler } from './in-process-dynamodb';
import type { SqsHandler } from './local-sqs';
import { portRequestHandler, serveStoreOverPort } from './store-port';

/**
 * The local stack's second thread, so the stack uses the machine's second core. Two layouts:
 * - `consumer`: the queue consumer (the real forwarder handler: deliveries, ledger, journaled
 *   aggregation) runs there; its SDK clients reach the store this thread owns through a MessagePort
 *   (`store`; without one, the endpoint is external and they use sockets).
 * - `store`: the thread also owns the embedded dynalite (on disk at `path`, or in memory); this
 *   thread's SDK clients reach it through `storeHandler`, and tools through its loopback endpoint.
 * The worker loads the TypeScript sources through tsx, as `npm start` does.
 */
export interface ConsumerThread {
  /** The embedded store's endpoint, in the `store` layout. */
  readonly endpoint?: string;
  /** In the `store` layout: the SDK request handler that reaches the thread's store. */
  readonly storeHandler?: InProcessHandler;
  /** Loads the forwarder in the thread with this environment (the stack's settings) and the store's endpoint. */
  load(env: Readonly<Record<string, string | undefined>>, endpoint: string): Promise<void>;
  /** Hands a batch to the forwarder in the thread; resolves with its partial batch response. */
  readonly handler: SqsHandler;
  /** Ends the thread (after the queue stopped handing it batches), closing its store first. */
  close(): Promise<void>;
}

type Answer =
  | { readonly type: 'store-open'; readonly endpoint: string }
  | { readonly type: 'ready' }
  | { readonly type: 'store-closed' }
  | { readonly type: 'batch'; readonly id: number; readonly result?: SQSBatchResponse; readonly error?: string };

/**
 * Starts the second thread.
 * @example const thread = await startConsumerThread({ layout: 'store', path }); await thread.load(process.env, thread.endpoint!)
 */
export async function startConsumerThread(
  options: { readonly layout: 'consumer'; readonly store?: InProcessHandler } | { readonly layout: 'store'; readonly path?: string },
): Promise<ConsumerThread> {
  const channel = options.layout === 'consumer' && options.store === undefined ? undefined : new MessageChannel();
  const stopServing = channel !== undefined && options.layout === 'consumer' && options.store !== undefined ? serveStoreOverPort(channel.port1, options.store) : () => undefined;
  const entry = join(__dirname, 'consumer-worker.ts');
  // A CommonJS bootstrap: tsx compiles the sources in the worker (jest's transform does not reach worker threads).
  const worker = new Worker(`require('tsx/cjs/api').register(); require(${JSON.stringify(entry)});`, {
    eval: true,
    workerData: { storePort: channel?.port2 },
    transferList: channel === undefined ? [] : [channel.port2],
  });
  let next = 0;
  let exited = false;
  const batches = new Map<number, { resolve: (result: SQSBatchResponse | undefined) => void; reject: (error: Error) => void }>();
  const waiting = new Map<string, { resolve: (answer: Answer) => void; reject: (error: Error) => void }>();
  worker.on('message', (answer: Answer) => {
    if (answer.type === 'batch') {
      const waiter = batches.get(answer.id);
      batches.delete(answer.id);
      if (answer.error !== undefined) waiter?.reject(new Error(answer.error));
      else waiter?.resolve(answer.result);
      return;
    }
    waiting.get(answer.type)?.resolve(answer);
    waiting.delete(answer.type);
  });
  worker.on('error', (error) => console.error(JSON.stringify({ level: 'ERROR', message: 'the local stack thread failed', error: String(error) })));
  worker.on('exit', () => {
    exited = true;
    stopServing();
    channel?.port1.close();
    for (const waiter of [...batches.values(), ...waiting.values()]) waiter.reject(new Error('the local stack thread exited'));
    batches.clear();
    waiting.clear();
  });
  function ask(message: object, answer: Answer['type']): Promise<Answer> {
    if (exited) return Promise.reject(new Error('the local stack thread exited'));
    return new Promise((resolve, reject) => {
      waiting.set(answer, { resolve, reject });
      worker.postMessage(message);
    });
  }
  let endpoint: string | undefined;
  if (options.layout === 'store') endpoint = ((await ask({ type: 'open-store', path: options.path }, 'store-open')) as { endpoint: string }).endpoint;
  return {
    endpoint,
    storeHandler: options.layout === 'store' && channel !== undefined ? portRequestHandler(channel.port1) : undefined,
    async load(env, storeEndpoint) {
      await ask({ type: 'load', env: Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined)), endpoint: storeEndpoint }, 'ready');
    },
    handler: (event, context) =>
      new Promise((resolve, reject) => {
        if (exited) return reject(new Error('the local stack thread exited'));
        const id = (next = (next + 1) % Number.MAX_SAFE_INTEGER);
        batches.set(id, { resolve, reject });
        worker.postMessage({ type: 'batch', id, event, timeoutMs: context.getRemainingTimeInMillis() });
      }),
    async close() {
      if (exited) return;
      if (options.layout === 'store') await ask({ type: 'close-store' }, 'store-closed').catch(() => undefined);
      await worker.terminate();
    },
  };
}
