import { randomBytes } from 'node:crypto';
import { createServer, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage, type OutgoingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type {
  CloudFrontHeaders,
  CloudFrontRequest,
  CloudFrontRequestEvent,
  CloudFrontResultResponse,
  KinesisStreamBatchResponse,
  KinesisStreamEvent,
} from 'aws-lambda';
import { parseIp } from '../../layers/core/src/domain/ip';
import { formatRealtimeLogLine } from '../../layers/core/src/edge/realtime-log';
import { listen } from './server';

export type ViewerRequestHandler = (event: CloudFrontRequestEvent) => Promise<CloudFrontRequest | CloudFrontResultResponse>;
export type KinesisHandler = (event: KinesisStreamEvent) => Promise<KinesisStreamBatchResponse | void>;

export interface EdgeProxyOptions {
  /** The site to put the edge in front of, e.g. `http://127.0.0.1:8080`. */
  readonly origin: string;
  /** The local API: requests under `apiPrefix` go there with the prefix removed, as the distribution's API behaviour does. */
  readonly api?: string;
  /** @default '/_ep' */
  readonly apiPrefix?: string;
  readonly port?: number;
  readonly host?: string;
  /** The real viewer-request handler (functions/edge/handler.ts). */
  readonly viewerRequest: ViewerRequestHandler;
  /** The real ingest handler (functions/edge-ingest/handler.ts). */
  readonly ingest: KinesisHandler;
  /** What the local "edge location" reports as the viewer's country and ASN (CloudFront's geo fields). */
  readonly country?: string;
  readonly asn?: number;
  /** Kinesis event source settings: records per batch, attempts before a record is dropped. */
  readonly batchSize?: number;
  readonly maxAttempts?: number;
  readonly retryDelayMs?: number;
  readonly log?: (message: string) => void;
}

export interface EdgeProxy {
  readonly url: string;
  /** Resolves once every proxied request has finished and its log record has been through the ingest handler. */
  idle(): Promise<void>;
  /** Waits for idle, then stops. */
  close(): Promise<void>;
}

const DISTRIBUTION = { distributionDomainName: 'd111111abcdef8.cloudfront.net', distributionId: 'EDGEPRINTLOCAL' };
const STREAM_ARN = 'arn:aws:kinesis:local:000000000000:stream/edgeprint-realtime-logs';
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

/** An opaque request id in the shape of CloudFront's (`x-edge-request-id`, the event's `requestId`). */
export function newEdgeRequestId(): string {
  return randomBytes(42).toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
}

/** The viewer's address as CloudFront reports it: the socket peer, IPv4-mapped addresses unwrapped. */
export function viewerIp(request: IncomingMessage): string {
  return parseIp(request.socket.remoteAddress)?.toString() ?? '127.0.0.1';
}

/**
 * Turns a Node request into a Lambda@Edge viewer-request event: headers keyed by lower-case name,
 * each a list of `{ key, value }` in the order sent, the raw query string without `?`.
 */
export function toViewerRequestEvent(request: IncomingMessage, requestId: string, clientIp: string): CloudFrontRequestEvent {
  const url = new URL(request.url ?? '/', 'http://local');
  const headers: CloudFrontHeaders = {};
  for (let index = 0; index + 1 < request.rawHeaders.length; index += 2) {
    const key = request.rawHeaders[index] as string;
    const value = request.rawHeaders[index + 1] as string;
    (headers[key.toLowerCase()] ??= []).push({ key, value });
  }
  return {
    Records: [
      {
        cf: {
          config: { ...DISTRIBUTION, eventType: 'viewer-request', requestId },
          request: { clientIp, headers, method: request.method ?? 'GET', querystring: url.search.replace(/^\?/, ''), uri: url.pathname },
        },
      },
    ],
  };
}

/** Wraps log lines as the Kinesis event source hands them to Lambda (`data` base64, one line per record). */
export function toKinesisEvent(records: readonly { readonly line: string; readonly sequenceNumber: string }[]): KinesisStreamEvent {
  return {
    Records: records.map(({ line, sequenceNumber }) => ({
      awsRegion: 'local',
      eventID: `shardId-000000000000:${sequenceNumber}`,
      eventName: 'aws:kinesis:record',
      eventSource: 'aws:kinesis',
      eventSourceARN: STREAM_ARN,
      eventVersion: '1.0',
      invokeIdentityArn: 'arn:aws:iam::000000000000:role/edgeprint-edge-ingest',
      kinesis: {
        approximateArrivalTimestamp: Date.now() / 1000,
        data: Buffer.from(`${line}\n`, 'utf8').toString('base64'),
        kinesisSchemaVersion: '1.0',
        partitionKey: randomBytes(8).toString('hex'),
        sequenceNumber,
      },
    })),
  };
}

function isResponse(result: CloudFrontRequest | CloudFrontResultResponse): result is CloudFrontResultResponse {
  return 'status' in result && !('uri' in result);
}

function toOutgoingHeaders(headers: CloudFrontHeaders | undefined): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const [name, entries] of Object.entries(headers ?? {})) {
    const lower = name.toLowerCase();
    if (HOP_BY_HOP.has(lower) || !Array.isArray(entries)) continue;
    const values = entries.map((entry) => entry.value);
    out[lower] = lower === 'cookie' ? values.join('; ') : values.length === 1 ? values[0] : values;
  }
  return out;
}

function responseHeaders(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) if (!HOP_BY_HOP.has(name) && value !== undefined) out[name] = value;
  return out;
}

function forward(target: URL, init: { method: string; path: string; headers: OutgoingHttpHeaders }, body: IncomingMessage, response: ServerResponse): Promise<number> {
  return new Promise((resolve) => {
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    const upstream = send(
      { protocol: target.protocol, hostname: target.hostname, port: target.port, method: init.method, path: init.path, headers: { ...init.headers, host: target.host } },
      (answer) => {
        const status = answer.statusCode ?? 502;
        response.writeHead(status, answer.statusMessage, responseHeaders(answer.headers));
        answer.pipe(response);
        answer.on('error', () => response.destroy());
        resolve(status);
      },
    );
    upstream.on('error', () => {
      if (!response.headersSent) {
        response.writeHead(502, { 'content-type': 'text/plain; charset=utf-8' });
        response.end('502 Bad Gateway: the origin could not be reached\n');
      } else response.destroy();
      resolve(502);
    });
    body.pipe(upstream);
  });
}

/**
 * A local stand-in for the CloudFront distribution: each request becomes a viewer-request event for
 * the real edge handler, the (modified) request goes to the origin and the response streams back;
 * afterwards the request and its status become a real-time log line, delivered in a Kinesis-shaped
 * event to the real ingest handler, with Kinesis retry semantics. Requests under the API prefix go
 * to the local API without the edge function and without a log record, as in the distribution.
 * @example const proxy = await startEdgeProxy({ origin: 'http://127.0.0.1:8080', viewerRequest, ingest })
 */
export async function startEdgeProxy(options: EdgeProxyOptions): Promise<EdgeProxy> {
  const origin = new URL(options.origin);
  const api = options.api === undefined ? undefined : new URL(options.api);
  const apiPrefix = options.apiPrefix ?? '/_ep';
  const log = options.log ?? ((message: string) => console.error(message));
  const batchSize = options.batchSize ?? 100;
  const maxAttempts = options.maxAttempts ?? 5;
  const retryDelayMs = options.retryDelayMs ?? 200;
  const pending: { line: string; sequenceNumber: string; attempts: number }[] = [];
  let sequence = 49_590_338_271_490_256_608_559_692_538_361_571_095_921_575_989_136_588_898n;
  let inFlight = 0;
  let draining: Promise<void> | undefined;

  async function drain(): Promise<void> {
    while (pending.length > 0) {
      const batch = pending.slice(0, batchSize);
      let failed: string[];
      try {
        const answer = await options.ingest(toKinesisEvent(batch));
        failed = (answer?.batchItemFailures ?? []).map((failure) => failure.itemIdentifier).filter((id): id is string => typeof id === 'string');
      } catch (error) {
        log(`edge ingest failed for a whole batch: ${String(error)}`);
        failed = [batch[0]!.sequenceNumber];
      }
      if (failed.length === 0) {
        pending.splice(0, batch.length);
        continue;
      }
      // As Kinesis does: everything before the lowest failed sequence number is checkpointed.
      const lowest = failed.reduce((low, id) => (BigInt(id) < BigInt(low) ? id : low));
      const index = Math.max(0, batch.findIndex((item) => item.sequenceNumber === lowest));
      pending.splice(0, index);
      const head = pending[0]!;
      head.attempts += 1;
      if (head.attempts >= maxAttempts) {
        log(`edge log record ${head.sequenceNumber} dropped after ${head.attempts} attempts`);
        pending.shift();
      } else await new Promise((resolve) => setTimeout(resolve, retryDelayMs * head.attempts));
    }
  }

  function enqueue(line: string): void {
    sequence += 1n;
    pending.push({ line, sequenceNumber: sequence.toString(), attempts: 0 });
    draining ??= drain().finally(() => {
      draining = undefined;
    });
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://local');
    if (api !== undefined && (url.pathname === apiPrefix || url.pathname.startsWith(`${apiPrefix}/`))) {
      const path = `${url.pathname.slice(apiPrefix.length) || '/'}${url.search}`;
      const headers: OutgoingHttpHeaders = {};
      for (const [name, value] of Object.entries(request.headers)) if (!HOP_BY_HOP.has(name)) headers[name] = value;
      // As the distribution's CloudFront Function does: the prefix removed and the host the viewer asked for.
      headers['x-edgeprint-base-path'] = apiPrefix;
      if (request.headers.host === undefined) delete headers['x-edgeprint-public-host'];
      else headers['x-edgeprint-public-host'] = request.headers.host;
      await forward(api, { method: request.method ?? 'GET', path, headers }, request, response);
      return;
    }
    const requestId = newEdgeRequestId();
    const clientIp = viewerIp(request);
    const viewerHeaders: [string, string][] = [];
    for (let index = 0; index + 1 < request.rawHeaders.length; index += 2) {
      viewerHeaders.push([request.rawHeaders[index] as string, request.rawHeaders[index + 1] as string]);
    }
    let status = 0;
    let result: CloudFrontRequest | CloudFrontResultResponse;
    try {
      result = await options.viewerRequest(toViewerRequestEvent(request, requestId, clientIp));
    } catch (error) {
      // What CloudFront answers when a Lambda@Edge function throws.
      log(`edge viewer-request handler threw: ${String(error)}`);
      result = { status: '503', statusDescription: 'Service Unavailable', body: 'The Lambda function associated with the CloudFront distribution is invalid or doesn\'t have the required permissions.\n' };
    }
    if (isResponse(result)) {
      status = Number(result.status);
      request.resume();
      response.writeHead(status, result.statusDescription, toOutgoingHeaders(result.headers));
      response.end(result.body ?? '');
    } else {
      const query = result.querystring.length > 0 ? `?${result.querystring}` : '';
      const headers = toOutgoingHeaders(result.headers);
      headers['x-forwarded-for'] = clientIp;
      headers.via = '1.1 edgeprint-local (CloudFront)';
      status = await forward(origin, { method: result.method, path: `${result.uri}${query}`, headers }, request, response);
    }
    await new Promise<void>((resolve) => {
      if (response.writableFinished || response.destroyed) resolve();
      else response.once('close', () => resolve());
    });
    enqueue(
      formatRealtimeLogLine({
        at: new Date(),
        clientIp,
        // `000` when the viewer hung up before the response was complete.
        status: response.writableFinished ? status : 0,
        method: request.method ?? 'GET',
        protocol: 'http',
        host: request.headers.host ?? 'localhost',
        uri: url.pathname,
        query: url.search.length > 1 ? url.search.slice(1) : undefined,
        requestId,
        headers: viewerHeaders,
        country: options.country,
        asn: options.asn,
      }),
    );
  }

  const server: Server = createServer((request, response) => {
    inFlight += 1;
    handle(request, response)
      .catch((error: unknown) => {
        log(`edge proxy failed: ${String(error)}`);
        if (!response.headersSent) {
          response.writeHead(502, { 'content-type': 'text/plain; charset=utf-8' });
          response.end('502 Bad Gateway\n');
        } else response.destroy();
      })
      .finally(() => {
        inFlight -= 1;
      });
  });
  server.keepAliveTimeout = 5000;
  const url = await listen(server, options.port ?? 0, options.host ?? '127.0.0.1');

  async function idle(): Promise<void> {
    while (inFlight > 0 || pending.length > 0 || draining !== undefined) {
      await (draining ?? new Promise((resolve) => setTimeout(resolve, 10)));
    }
  }

  return {
    url,
    idle,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await idle();
    },
  };
}
