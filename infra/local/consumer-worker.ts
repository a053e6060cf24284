import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { serveEndpointInProcess } from '../../layers/core/src/store/client';
import { lambdaContext, type SqsHandler } from './local-sqs';
import { portRequestHandler } from './store-port';

/**
 * The queue consumer's thread (see consumer-thread.ts): the real forwarder handler, whose SDK clients
 * reach the embedded store of the main thread through `storePort`. Once loaded it says `{ ready: true }`;
 * batches arrive on the parent port as `{ id, event, timeoutMs }` and are answered `{ id, result }` or
 * `{ id, error }`.
 */
interface WorkerData {
  readonly endpoint: string;
  readonly storePort?: MessagePort;
}

const data = workerData as WorkerData;
if (data.storePort !== undefined) serveEndpointInProcess(data.endpoint, portRequestHandler(data.storePort));
// Required after the endpoint is served: the forwarder's clients are created at its first batch, from this environment.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const handler = (require('../../functions/forwarder/handler') as { handler: SqsHandler }).handler;
parentPort!.postMessage({ ready: true });

parentPort!.on('message', (message: { id: number; event: Parameters<SqsHandler>[0]; timeoutMs: number }) => {
  handler(message.event, lambdaContext(message.timeoutMs)).then(
    (result) => parentPort!.postMessage({ id: message.id, result: result ?? undefined }),
    (error: unknown) => parentPort!.postMessage({ id: message.id, error: error instanceof Error ? error.message : String(error) }),
  );
});
