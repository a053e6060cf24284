import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { EventEmitter } from 'node:events';
import { PassThrough, Readable } from 'node:stream';
import { HttpResponse } from '@smithy/core/transport';
import type { HttpRequest } from '@smithy/types';

/** The part of the SDK's request-handler contract the clients call. */
export interface InProcessHandler {
  handle(request: HttpRequest): Promise<{ response: HttpResponse }>;
  updateHttpClientConfig(): void;
  httpHandlerConfigs(): Record<string, never>;
}

/**
 * An SDK request handler that hands each DynamoDB request straight to the embedded store's request
 * listener in this process: no socket, no TCP, no second HTTP parse. The store still sees an HTTP
 * request (method, headers, body) and answers through the same listener the change feed wraps, so
 * nothing else changes. Registered for the embedded endpoint only (store/client.ts).
 * @example serveEndpointInProcess(endpoint, inProcessHandler(dynamo.server))
 */
export function inProcessHandler(server: Server): InProcessHandler {
  return {
    async handle(request: HttpRequest) {
      const [listener] = server.listeners('request') as ((req: IncomingMessage, res: ServerResponse) => void)[];
      if (listener === undefined) throw new Error('the embedded DynamoDB is closed');
      const raw: unknown = request.body;
      // A view on the bytes, not Buffer.from(body): the SDK's body warns when string methods are called on it.
      const body = raw instanceof Uint8Array ? Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength) : typeof raw === 'string' ? Buffer.from(raw) : Buffer.alloc(0);
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(request.headers)) headers[name.toLowerCase()] = value;
      const req = Object.assign(new PassThrough(), { headers, method: request.method, url: request.path || '/' });
      const response = await new Promise<HttpResponse>((resolve, reject) => {
        const out: Record<string, string> = {};
        const res = Object.assign(new EventEmitter(), {
          statusCode: 200,
          shouldKeepAlive: true,
          writableFinished: false,
          setHeader(name: string, value: string | number) {
            out[name.toLowerCase()] = String(value);
          },
          getHeader: (name: string) => out[name.toLowerCase()],
          end(chunk?: string | Buffer) {
            const payload = chunk === undefined ? Buffer.alloc(0) : Buffer.from(chunk);
            out['content-length'] = String(payload.length);
            res.writableFinished = true;
            resolve(new HttpResponse({ statusCode: res.statusCode, headers: out, body: Readable.from([payload]) }));
            res.emit('finish');
            return res;
          },
        });
        try {
          listener(req as unknown as IncomingMessage, res as unknown as ServerResponse);
          req.end(body);
        } catch (error) {
          reject(error);
        }
      });
      return { response };
    },
    updateHttpClientConfig: () => undefined,
    httpHandlerConfigs: () => ({}),
  };
}
