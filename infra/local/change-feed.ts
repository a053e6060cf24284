import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DynamoDBClient, ScanCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { EVENT_ITEM_TYPES } from '../../layers/core/src/forwarding/event-of-item';

/**
 * The local stand-in for DynamoDB Streams + the EventBridge Pipe: every event item the stack's SDK
 * clients create (sessions, request and browser records, activity rows) is put on the local queue as
 * a stream record before the PutItem call returns to the handler (`observeCreatedItems()` in
 * store/client.ts). So an acknowledged event is always in the queue. The one gap, a kill between the store's write and the queue's, is closed at the next start
 * by `recoverFeed()`: records newer than the checkpoint are put on the queue again (the consumers are
 * idempotent on the event id, so a repeat is harmless).
 */
type Item = Record<string, AttributeValue>;
export type FeedSink = (body: string) => Promise<unknown>;

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
