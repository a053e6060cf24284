import type { MessagePort } from 'node:worker_threads';
import { Readable } from 'node:stream';
import { HttpResponse } from '@smithy/core/transport';
import type { HttpRequest } from '@smithy/types';
import type { InProcessHandler } from './in-process-dynamodb';

/** A store request as it crosses the thread boundary (structured clone: plain data only). */
interface PortRequest {
  readonly id: number;
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body: Uint8Array | string | undefined;
}

/** Its answer. */
type PortAnswer =
  | { readonly id: number; readonly statusCode: number; readonly headers: Record<string, string>; readonly body: Uint8Array }
  | { readonly id: number; readonly error: string };

async function bytesOf(body: unknown): Promise<Uint8Array> {
  if (body === undefined || body === null) return new Uint8Array(0);
  if (body instanceof Uint8Array) return body;
  const chunks: Buffer[] = [];
  for await (const chunk of body as AsyncIterable<Buffer | string>) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks);
}

/**
 * The store's side of the thread boundary: answers the requests arriving on `port` with `handler`
 * (the embedded store's in-process handler), so SDK clients in a worker thread reach the one
 * dynalite this thread owns. Returns the undo.
 * @example serveStoreOverPort(channel.port1, inProcessHandler(dynamo.server))
 */
export function serveStoreOverPort(port: MessagePort, handler: InProcessHandler): () => void {
  const onMessage = (request: PortRequest) => {
    void (async () => {
      let answer: PortAnswer;
      try {
        const { response } = await handler.handle({ method: request.method, path: request.path, headers: request.headers, body: request.body } as HttpRequest);
        answer = { id: request.id, statusCode: response.statusCode, headers: response.headers, body: await bytesOf(response.body) };
      } catch (error) {
        answer = { id: request.id, error: error instanceof Error ? error.message : String(error) };
      }
      port.postMessage(answer);
    })();
  };
  port.on('message', onMessage);
  return () => port.off('message', onMessage);
}

/**
 * The worker's side: an SDK request handler (the same contract as `inProcessHandler`) that sends each
 * request over `port` to the thread owning the store and resolves with its answer. Register it with
 * `serveEndpointInProcess(endpoint, portRequestHandler(port))` in the worker.
 * @example serveEndpointInProcess(endpoint, portRequestHandler(workerData.storePort))
 */
export function portRequestHandler(port: MessagePort): InProcessHandler {
  let next = 0;
  const pending = new Map<number, { resolve: (answer: PortAnswer) => void }>();
  port.on('message', (answer: PortAnswer) => {
    pending.get(answer.id)?.resolve(answer);
    pending.delete(answer.id);
  });
  port.on('close', () => {
    for (const [id, waiter] of pending) waiter.resolve({ id, error: 'the store thread closed the port' });
    pending.clear();
  });
  return {
    async handle(request: HttpRequest) {
      const id = (next = (next + 1) % Number.MAX_SAFE_INTEGER);
      const raw: unknown = request.body;
      const body = raw instanceof Uint8Array || typeof raw === 'string' ? raw : undefined;
      const answer = await new Promise<PortAnswer>((resolve) => {
        pending.set(id, { resolve });
        port.postMessage({ id, method: request.method, path: request.path || '/', headers: { ...request.headers }, body } satisfies PortRequest);
      });
      if ('error' in answer) throw new Error(answer.error);
      return { response: new HttpResponse({ statusCode: answer.statusCode, headers: answer.headers, body: Readable.from([Buffer.from(answer.body.buffer, answer.body.byteOffset, answer.body.byteLength)]) }) };
    },
    updateHttpClientConfig: () => undefined,
    httpHandlerConfigs: () => ({}),
  };
}
