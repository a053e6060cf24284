import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { DynamoDBClient, ScanCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { EVENT_ITEM_TYPES } from '../../layers/core/src/forwarding/event-of-item';

/**
 * The local stand-in for DynamoDB Streams + the EventBridge Pipe: every event item the embedded
 * store creates (sessions, request and browser records, activity rows) is put on the local queue as
 * a stream record before the store answers the write. So an acknowledged event is always in the
 * queue. The one gap, a kill between the store's write and the queue's, is closed at the next start
 * by `recoverFeed()`: records newer than the checkpoint are put on the queue again (the consumers are
 * idempotent on the event id, so a repeat is harmless).
 */
type Item = Record<string, AttributeValue>;
export type FeedSink = (body: string) => Promise<unknown>;

const eventTypes = new Set(EVENT_ITEM_TYPES);

/** The stream record the pipe would put on the queue for a created item. */
export function streamRecordBody(item: Item): string {
  return JSON.stringify({
    eventID: randomUUID(),
    eventName: 'INSERT',
    eventSource: 'aws:dynamodb',
    dynamodb: { Keys: { pk: item.pk, sk: item.sk }, NewImage: item, StreamViewType: 'NEW_IMAGE' },
  });
}

const isEventItem = (item: Item | undefined): item is Item => item?.type?.S !== undefined && eventTypes.has(item.type.S);

/**
 * Wraps the embedded DynamoDB's request listener: a successful PutItem of an event item on `tableName`
 * answers only after `sink` took its stream record. Other requests pass through untouched.
 */
export function attachChangeFeed(server: Server, tableName: string, sink: FeedSink, onError: (error: unknown) => void): void {
  const [listener] = server.listeners('request') as ((req: IncomingMessage, res: ServerResponse) => void)[];
  if (listener === undefined) throw new Error('the embedded DynamoDB has no request listener');
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (!String(req.headers['x-amz-target'] ?? '').endsWith('.PutItem')) {
      listener(req, res);
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      let item: Item | undefined;
      try {
        const input = JSON.parse(raw.toString('utf8')) as { TableName?: string; Item?: Item };
        if (input.TableName === tableName) item = input.Item;
      } catch {
        // dynalite answers the malformed body itself
      }
      // The store reads the body again from a copy that carries the original request's fields.
      const copy = Object.assign(new PassThrough(), { headers: req.headers, method: req.method, url: req.url, socket: req.socket });
      if (isEventItem(item)) {
        const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
        (res as { end: (...args: unknown[]) => ServerResponse }).end = (...args: unknown[]) => {
          if (res.statusCode !== 200) return end(...args);
          sink(streamRecordBody(item))
            .catch((error: unknown) => onError(error))
            .finally(() => end(...args));
          return res;
        };
      }
      listener(copy as unknown as IncomingMessage, res);
      copy.end(raw);
    });
  });
}

/** Files in the data directory: the feed's checkpoint and the "running" mark of an unclean stop. */
export interface FeedFiles {
  readonly checkpoint: string;
  readonly running: string;
}

export function feedFiles(dataDir: string): FeedFiles {
  return { checkpoint: join(dataDir, 'feed-checkpoint'), running: join(dataDir, 'running') };
}

/**
 * Every record created before the checkpoint's time has been put on the queue: the feed puts it there
 * before the write is answered, and no request outlives CHECKPOINT_LAG_MS between taking its time and
 * writing. Written every second while the stack runs.
 */
export const CHECKPOINT_LAG_MS = 30_000;

export function startCheckpoints(files: FeedFiles, now: () => number = Date.now): () => void {
  writeFileSync(files.running, String(process.pid));
  const write = () => {
    writeFileSync(`${files.checkpoint}.tmp`, new Date(now() - CHECKPOINT_LAG_MS).toISOString());
    renameSync(`${files.checkpoint}.tmp`, files.checkpoint);
  };
  write();
  const timer = setInterval(write, 1000);
  timer.unref();
  return () => {
    clearInterval(timer);
    rmSync(files.running, { force: true });
  };
}

/**
 * At start, after an unclean stop (the running mark is still there): puts every event item created
 * at or after the checkpoint on the queue again. A scan, paged; only after a crash. Returns how many.
 */
export async function recoverFeed(client: DynamoDBClient, tableName: string, files: FeedFiles, sink: FeedSink): Promise<number> {
  if (!existsSync(files.running)) return 0;
  const since = existsSync(files.checkpoint) ? readFileSync(files.checkpoint, 'utf8').trim() : '';
  let sent = 0;
  let start: Item | undefined;
  do {
    const page = await client.send(
      new ScanCommand({
        TableName: tableName,
        FilterExpression: '#type IN (:s, :r, :b, :a) AND (#at >= :since OR createdAt >= :since)',
        ExpressionAttributeNames: { '#type': 'type', '#at': 'at' },
        ExpressionAttributeValues: {
          ':s': { S: EVENT_ITEM_TYPES[0]! },
          ':r': { S: EVENT_ITEM_TYPES[1]! },
          ':b': { S: EVENT_ITEM_TYPES[2]! },
          ':a': { S: EVENT_ITEM_TYPES[3]! },
          ':since': { S: since },
        },
        ExclusiveStartKey: start,
      }),
    );
    for (const item of page.Items ?? []) {
      await sink(streamRecordBody(item));
      sent += 1;
    }
    start = page.LastEvaluatedKey;
  } while (start !== undefined);
  return sent;
}
