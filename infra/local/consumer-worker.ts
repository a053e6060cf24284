import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { serveEndpointInProcess } from '../../layers/core/src/store/client';
import { startEmbeddedDynamo, type EmbeddedDynamo } from './embedded-dynamodb';
import { inProcessHandler } from './in-process-dynamodb';
import { lambdaContext, type SqsHandler } from './local-sqs';
import { portRequestHandler, serveStoreOverPort } from './store-port';

/**
 * The local stack's second thread (see consumer-thread.ts). It runs the queue consumer (the real
 * forwarder handler) and, in the "store" layout, also owns the embedded dynalite, serving the main
 * thread's SDK clients over `storePort`; otherwise its clients reach the main thread's store over
 * `storePort`. Messages from the parent, each answered on the parent port:
 * `{ type: 'open-store', path }` → `{ type: 'store-open', endpoint }`;
 * `{ type: 'load', env, endpoint }` → `{ type: 'ready' }` (the forwarder loaded with that environment);
 * `{ type: 'batch', id, event, timeoutMs }` → `{ type: 'batch', id, result }` or `{ type: 'batch', id, error }`;
 * `{ type: 'close-store' }` → `{ type: 'store-closed' }`.
 */
type Message =
  | { readonly type: 'open-store'; readonly path?: string }
  | { readonly type: 'load'; readonly env: Record<string, string>; readonly endpoint: string }
  | { readonly type: 'batch'; readonly id: number; readonly event: Parameters<SqsHandler>[0]; readonly timeoutMs: number }
  | { readonly type: 'close-store' };

const storePort = (workerData as { storePort?: MessagePort }).storePort;
let dynamo: EmbeddedDynamo | undefined;
let handler: SqsHandler | undefined;
const post = (message: object) => parentPort!.postMessage(message);

parentPort!.on('message', (message: Message) => {
  void (async () => {
    if (message.type === 'open-store') {
      dynamo = await startEmbeddedDynamo({ path: message.path });
      const store = inProcessHandler(dynamo.server);
      serveEndpointInProcess(dynamo.endpoint, store);
      if (storePort !== undefined) serveStoreOverPort(storePort, store);
      post({ type: 'store-open', endpoint: dynamo.endpoint });
    } else if (message.type === 'load') {
      Object.assign(process.env, message.env);
      if (dynamo === undefined && storePort !== undefined) serveEndpointInProcess(message.endpoint, portRequestHandler(storePort));
      // Required once the environment and endpoint are set: the forwarder's clients are created at its first batch.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      handler = (require('../../functions/forwarder/handler') as { handler: SqsHandler }).handler;
      post({ type: 'ready' });
    } else if (message.type === 'batch') {
      try {
        if (handler === undefined) throw new Error('the consumer is not loaded');
        post({ type: 'batch', id: message.id, result: (await handler(message.event, lambdaContext(message.timeoutMs))) ?? undefined });
      } catch (error) {
        post({ type: 'batch', id: message.id, error: error instanceof Error ? error.message : String(error) });
      }
    } else if (message.type === 'close-store') {
      await dynamo?.close();
      post({ type: 'store-closed' });
    }
  })();
});
