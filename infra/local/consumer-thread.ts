import { join } from 'node:path';
import { MessageChannel, Worker } from 'node:worker_threads';
import type { SQSBatchResponse } from 'aws-lambda';
import type { InProcessHandler } from './in-process-dynamodb';
import type { SqsHandler } from './local-sqs';
import { serveStoreOverPort } from './store-port';

export interface ConsumerThread {
  /** Hands a batch to the forwarder in the worker thread; resolves with its partial batch response. */
  readonly handler: SqsHandler;
  /** Resolves once the worker has loaded the forwarder (a cold load takes longer than a short visibility timeout). */
  ready(): Promise<void>;
  /** Ends the worker (after the queue stopped handing it batches). */
  close(): Promise<void>;
}

/**
 * The queue consumer (the real forwarder handler: deliveries, ledger, journaled aggregation) on a
 * worker thread, so it uses the machine's second core instead of the request thread's time. Its SDK
 * clients reach the embedded store this thread owns through a MessagePort (`store`; without it, the
 * endpoint is external and they use sockets). The worker loads the TypeScript sources through tsx, as
 * `npm start` does, and reads the environment as it is now (set the stack's settings first).
 * @example const consumer = startConsumerThread(endpoint, inProcessHandler(dynamo.server)); queue.attach(consumer.handler)
 */
export function startConsumerThread(endpoint: string, store: InProcessHandler | undefined): ConsumerThread {
  let worker: Worker | undefined;
  let loaded: Promise<void> = Promise.resolve();
  let next = 0;
  const pending = new Map<number, { resolve: (result: SQSBatchResponse | undefined) => void; reject: (error: Error) => void }>();

  function failPending(reason: string): void {
    for (const waiter of pending.values()) waiter.reject(new Error(reason));
    pending.clear();
  }

  /** The worker, started on first use and again after it died (a batch in it then fails and is redelivered, as in Lambda). */
  function ensureWorker(): Worker {
    if (worker !== undefined) return worker;
    const channel = store === undefined ? undefined : new MessageChannel();
    const stopServing = channel === undefined || store === undefined ? () => undefined : serveStoreOverPort(channel.port1, store);
    const entry = join(__dirname, 'consumer-worker.ts');
    // A CommonJS bootstrap: tsx compiles the sources in the worker (jest's transform does not reach worker threads).
    const started = new Worker(`require('tsx/cjs/api').register(); require(${JSON.stringify(entry)});`, {
      eval: true,
      // This thread's environment as it is now (under jest, process.env is a copy the worker would not see).
      env: { ...process.env },
      workerData: { endpoint, storePort: channel?.port2 },
      transferList: channel === undefined ? [] : [channel.port2],
    });
    loaded = new Promise<void>((resolve, reject) => {
      started.once('exit', () => reject(new Error('the queue consumer thread exited before it was ready')));
      started.on('message', (message: { ready?: boolean }) => {
        if (message.ready === true) resolve();
      });
    });
    loaded.catch(() => undefined);
    started.on('message', (answer: { id: number; result?: SQSBatchResponse; error?: string }) => {
      if (answer.id === undefined) return;
      const waiter = pending.get(answer.id);
      pending.delete(answer.id);
      if (answer.error !== undefined) waiter?.reject(new Error(answer.error));
      else waiter?.resolve(answer.result);
    });
    started.on('error', (error) => console.error(JSON.stringify({ level: 'ERROR', message: 'the queue consumer thread failed', error: String(error) })));
    started.on('exit', () => {
      if (worker === started) worker = undefined;
      stopServing();
      channel?.port1.close();
      failPending('the queue consumer thread exited');
    });
    worker = started;
    return started;
  }

  return {
    handler: (event, context) =>
      new Promise((resolve, reject) => {
        const id = (next = (next + 1) % Number.MAX_SAFE_INTEGER);
        pending.set(id, { resolve, reject });
        ensureWorker().postMessage({ id, event, timeoutMs: context.getRemainingTimeInMillis() });
      }),
    ready() {
      ensureWorker();
      return loaded;
    },
    async close() {
      const running = worker;
      worker = undefined;
      if (running !== undefined) await running.terminate();
      failPending('the queue consumer thread was stopped');
    },
  };
}
