import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DynamoDBClient, ScanCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { EVENT_ITEM_TYPES } from '../../layers/core/src/forwarding/event-of-item';

/**
 * The local stand-in for DynamoDB Streams + the EventBridge Pipe: every event item the stack's SDK
 * clients create (sessions, request and browser records, activity rows) is put on the local queue as
 * a stream record before the PutItem call returns to the handler (`observeCreatedItems()` in
 * store/client.ts). So an acknowledged event is always in the queue. The queue is in memory; what
 * makes it durable is the checkpoint: it never passes an event the consumer has not finished (each
 * message is pinned at its item's time), nor now − CHECKPOINT_LAG_MS. After a kill -9 (the "running"
 * mark is still there), `recoverFeed()` puts every record newer than the checkpoint on the queue
 * again: the backlog the kill lost, and any write killed between the store and the queue. The
 * consumers are idempotent on the event id, so a repeat is harmless.
 */
type Item = Record<string, AttributeValue>;
/** Where the feed puts a stream record; `pin` is the item's time (see `pinOf()`). */
export type FeedSink = (body: string, pin: string | undefined) => Promise<unknown>;

/**
 * The time that must hold the checkpoint while the item's message is unfinished: the earlier of its
 * `at` and `createdAt`, the attributes `recoverFeed()` selects on (ISO strings compare as times).
 * @example pinOf({ at: { S: '2026-12-06T10:00:00.000Z' } }) // '2026-12-06T10:00:00.000Z'
 */
export function pinOf(item: Item): string | undefined {
  const times = [item.at?.S, item.createdAt?.S].filter((time): time is string => time !== undefined && time !== '');
  return times.length === 0 ? undefined : times.reduce((a, b) => (b < a ? b : a));
}

/** The stream record the pipe would put on the queue for a created item. */
export function streamRecordBody(item: Item): string {
  return JSON.stringify({
    eventID: randomUUID(),
    eventName: 'INSERT',
    eventSource: 'aws:dynamodb',
    dynamodb: { Keys: { pk: item.pk, sk: item.sk }, NewImage: item, StreamViewType: 'NEW_IMAGE' },
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
 * Every record created before the checkpoint's time has been put on the queue (the feed puts it there
 * before the write is answered, and no request outlives CHECKPOINT_LAG_MS between taking its time and
 * writing) and finished by the consumer.
 */
export const CHECKPOINT_LAG_MS = 30_000;

/**
 * The checkpoint at `now`: now − CHECKPOINT_LAG_MS, or the oldest pin of an unfinished message when
 * that is earlier. So it never passes an event the in-memory queue still holds.
 * @example checkpointAt(Date.now(), queue.oldestPin())
 */
export function checkpointAt(now: number, oldestPin: string | undefined): string {
  const lagged = new Date(now - CHECKPOINT_LAG_MS).toISOString();
  return oldestPin !== undefined && oldestPin < lagged ? oldestPin : lagged;
}

export interface Checkpoints {
  /**
   * A clean stop: writes the last checkpoint; removes the running mark only when `settled` (the
   * queue holds nothing), else leaves it so the next start re-feeds what the queue still held.
   */
  stop(settled: boolean): void;
}

/**
 * Writes the running mark, then the checkpoint every second (write-then-rename).
 * @example const checkpoints = startCheckpoints(feedFiles(dir), () => queue.oldestPin())
 */
export function startCheckpoints(files: FeedFiles, oldestPin: () => string | undefined, now: () => number = Date.now): Checkpoints {
  writeFileSync(files.running, String(process.pid));
  const write = () => {
    writeFileSync(`${files.checkpoint}.tmp`, checkpointAt(now(), oldestPin()));
    renameSync(`${files.checkpoint}.tmp`, files.checkpoint);
  };
  write();
  const timer = setInterval(write, 1000);
  timer.unref();
  return {
    stop(settled) {
      clearInterval(timer);
      write();
      if (settled) rmSync(files.running, { force: true });
    },
  };
}

/**
 * At start, after an unclean stop or a clean one that left messages unfinished (the running mark is
 * still there): puts every event item created at or after the checkpoint on the queue again. A scan,
 * paged; only then. Returns how many.
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
      await sink(streamRecordBody(item), pinOf(item));
      sent += 1;
    }
    start = page.LastEvaluatedKey;
  } while (start !== undefined);
  return sent;
}
