import { createHash, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DynamoDBClient, ResourceInUseException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { localClientOptions } from '../../layers/core/src/store/client';

/**
 * The local stand-in for SQS and its Lambda event source mapping. It speaks just enough of the SQS
 * JSON protocol (SendMessage, SendMessageBatch, StartMessageMoveTask) for the real SQS client, and
 * drains the main queue into the real forwarder handler with SQS-shaped events and SQS's semantics:
 * batch size, visibility timeout, redelivery, partial batch responses and maxReceiveCount with a
 * dead-letter queue.
 *
 * The main queue lives in memory: its durability is the change feed's (infra/local/change-feed.ts),
 * whose checkpoint never passes the oldest message the consumer has not finished (`send(body, pin)`,
 * `oldestPin()`), so a kill -9 re-feeds the backlog from the table at the next start. The dead-letter
 * queue is rare and must outlive restarts: it stays in a dynalite table, and a re-driven message keeps
 * its dead-letter item until the consumer has finished it.
 */
export interface LocalSqsOptions {
  readonly dynamodbEndpoint: string;
  readonly tableName?: string;
  readonly batchSize?: number;
  readonly visibilityTimeoutMs?: number;
  readonly maxReceiveCount?: number;
  readonly pollIntervalMs?: number;
  /** Batches processed at once, like the concurrent pollers of a Lambda event source mapping. */
  readonly concurrency?: number;
  /**
   * Messages the main queue holds before `waitForRoom()` makes the change feed wait (and with it the
   * write that fed it): the backlog lives in memory, so this bounds the memory a long overload takes.
   * @default DEFAULT_MAX_BACKLOG
   */
  readonly maxBacklog?: number;
}

/**
 * The local queue's default bound: about 40 MB of queued stream records, and more than the
 * consumer falls behind in a minute of full load on a 2-core machine (docs/benchmarks.md).
 */
export const DEFAULT_MAX_BACKLOG = 5000;

export type SqsHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | void>;

export interface LocalSqs {
  readonly endpoint: string;
  readonly queueUrl: string;
  readonly deadLetterQueueUrl: string;
  readonly deadLetterQueueArn: string;
  /**
   * Enqueues one message in this process (the local change feed's path; the SQS API is for clients).
   * `pin`, an ISO time, holds the feed's checkpoint at or before it until the message is finished
   * (deleted, or stored in the dead-letter queue).
   */
  send(body: string, pin?: string): Promise<string>;
  /**
   * Resolves once the main queue holds fewer than `maxBacklog` messages (at once when it does, or
   * when the queue is closing): the change feed awaits it before `send`, so under a long overload
   * requests slow to the consumer's pace instead of the backlog growing without bound.
   */
  waitForRoom(): Promise<void>;
  /** Messages in the main queue now (visible or not). */
  backlog(): number;
  /** The earliest `pin` of the messages not finished yet; undefined when none is pinned. */
  oldestPin(): string | undefined;
  /** Starts the event source mapping: polls and invokes the handler until close(). */
  attach(handler: SqsHandler): void;
  /** Runs polls until the main queue is empty (visible or not), or the timeout passes. For tests and benches. */
  drain(timeoutMs?: number): Promise<void>;
  /** Messages now in a queue (`main`: in memory, visible or not; `dlq`: stored). */
  messages(queue: 'main' | 'dlq'): Promise<{ messageId: string; body: string; receiveCount: number }[]>;
  /** Stops handing messages to the handler until resume() (like disabling the event source mapping). */
  pause(): void;
  resume(): void;
  /** Moves every dead-lettered message back to the main queue. */
  redrive(): Promise<number>;
  /**
   * Stops polling: waits for the batches in flight, then keeps draining for up to `drainMs` (default
   * 0). Resolves with the messages left unfinished (lost from memory: the feed's checkpoint is behind
   * the pinned ones).
   */
  close(drainMs?: number): Promise<number>;
}

const ACCOUNT = '000000000000';
const QUEUE = 'edgeprint-events';
const DLQ = 'edgeprint-events-dlq';

const md5 = (text: string) => createHash('md5').update(text, 'utf8').digest('hex');

/**
 * The invocation's deadline is the visibility timeout, as in AWS (timeout ≤ visibility): claims expire when the message reappears.
 * @example handler(event, lambdaContext(30_000))
 */
export function lambdaContext(timeoutMs: number): Context {
  const deadline = Date.now() + timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: 'forwarder',
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:${ACCOUNT}:function:forwarder`,
    memoryLimitInMB: '256',
    awsRequestId: randomUUID(),
    logGroupName: '/aws/lambda/forwarder',
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** A main-queue message, in memory. */
interface Message {
  readonly messageId: string;
  readonly body: string;
  readonly sentAt: number;
  visibleAt: number;
  receiveCount: number;
  receipt?: string;
  /** Holds the feed's checkpoint (see send()). */
  readonly pin?: string;
  /** The dead-letter item it was re-driven from, deleted once the message is finished. */
  readonly deadLetterSk?: string;
}

/** A dead-letter item, in the queue table. */
interface DeadLetter {
  readonly queue: 'dlq';
  readonly sk: string;
  readonly messageId: string;
  readonly body: string;
  readonly sentAt: number;
  readonly receiveCount: number;
}

export async function startLocalSqs(options: LocalSqsOptions): Promise<LocalSqs> {
  const tableName = options.tableName ?? 'edgeprint-local-queue';
  const batchSize = options.batchSize ?? 10;
  const visibilityTimeoutMs = options.visibilityTimeoutMs ?? 30_000;
  const maxReceiveCount = options.maxReceiveCount ?? 5;
  const pollIntervalMs = options.pollIntervalMs ?? 250;
  const concurrency = options.concurrency ?? 2;
  const maxBacklog = options.maxBacklog ?? DEFAULT_MAX_BACKLOG;
  /** Feed writes waiting for room, oldest first. */
  const waiting: (() => void)[] = [];
  const raw = new DynamoDBClient({ endpoint: options.dynamodbEndpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, ...localClientOptions(options.dynamodbEndpoint) });
  const db = DynamoDBDocumentClient.from(raw);
  try {
    await raw.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: 'queue', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: 'queue', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }

  /** The main queue, oldest first (a Map keeps insertion order); messages leave it when finished. */
  const main = new Map<string, Message>();
  let sequence = 0;

  function enqueue(body: string, extra: { pin?: string; deadLetterSk?: string } = {}): string {
    const messageId = randomUUID();
    main.set(messageId, { messageId, body, sentAt: Date.now(), visibleAt: 0, receiveCount: 0, ...extra });
    return messageId;
  }

  async function putDeadLetter(body: string, receiveCount: number, sk?: string): Promise<string> {
    const messageId = randomUUID();
    const sentAt = Date.now();
    sequence = (sequence + 1) % 1_000_000;
    const item: DeadLetter = { queue: 'dlq', sk: sk ?? `${String(sentAt).padStart(15, '0')}#${String(sequence).padStart(6, '0')}#${messageId}`, messageId, body, sentAt, receiveCount };
    await db.send(new PutCommand({ TableName: tableName, Item: item }));
    return messageId;
  }

  async function deadLetters(): Promise<DeadLetter[]> {
    const items: DeadLetter[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await db.send(
        new QueryCommand({ TableName: tableName, KeyConditionExpression: '#q = :q', ExpressionAttributeNames: { '#q': 'queue' }, ExpressionAttributeValues: { ':q': 'dlq' }, ExclusiveStartKey: start }),
      );
      items.push(...((page.Items ?? []) as DeadLetter[]));
      start = page.LastEvaluatedKey;
    } while (start !== undefined);
    return items;
  }

  /** Dead-letter items already back on the main queue (a second re-drive must not queue them twice). */
  const redriven = new Set<string>();

  /** Every dead letter back to the main queue; each keeps its item until the consumer finished it, so a kill loses none. */
  async function redriveAll(): Promise<number> {
    let moved = 0;
    for (const letter of await deadLetters()) {
      if (redriven.has(letter.sk)) continue;
      redriven.add(letter.sk);
      enqueue(letter.body, { deadLetterSk: letter.sk });
      moved += 1;
    }
    return moved;
  }

  /** Lets waiting feed writes in while there is room (or all of them once the queue is closing). */
  function admitWaiting(): void {
    let room = closed ? waiting.length : maxBacklog - main.size;
    while (room > 0 && waiting.length > 0) {
      waiting.shift()!();
      room -= 1;
    }
  }

  /** A message leaves the main queue: done (deleted) or dead-lettered (stored first). */
  async function finish(message: Message): Promise<void> {
    if (message.deadLetterSk !== undefined) {
      await db.send(new DeleteCommand({ TableName: tableName, Key: { queue: 'dlq', sk: message.deadLetterSk } }));
      redriven.delete(message.deadLetterSk);
    }
    main.delete(message.messageId);
    admitWaiting();
  }

  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      void (async () => {
        const target = String(request.headers['x-amz-target'] ?? '');
        const answer = (status: number, body: unknown) => {
          response.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' });
          response.end(JSON.stringify(body));
        };
        try {
          const input = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as {
            QueueUrl?: string;
            MessageBody?: string;
            Entries?: { Id: string; MessageBody: string }[];
          };
          const toDeadLetters = input.QueueUrl?.endsWith(`/${DLQ}`) === true;
          const send = (body: string) => (toDeadLetters ? putDeadLetter(body, 0) : Promise.resolve(enqueue(body)));
          if (target === 'AmazonSQS.SendMessage' && typeof input.MessageBody === 'string') {
            const messageId = await send(input.MessageBody);
            answer(200, { MessageId: messageId, MD5OfMessageBody: md5(input.MessageBody) });
          } else if (target === 'AmazonSQS.SendMessageBatch' && Array.isArray(input.Entries)) {
            const successful = [];
            for (const entry of input.Entries) {
              successful.push({ Id: entry.Id, MessageId: await send(entry.MessageBody), MD5OfMessageBody: md5(entry.MessageBody) });
            }
            answer(200, { Successful: successful, Failed: [] });
          } else if (target === 'AmazonSQS.StartMessageMoveTask') {
            // The DLQ re-drive, as `aws sqs start-message-move-task --source-arn <dlq arn>` does in AWS.
            const moved = await redriveAll();
            answer(200, { TaskHandle: `local-${moved}` });
          } else {
            answer(400, { __type: 'com.amazonaws.sqs#InvalidAction', message: `Not supported locally: ${target}` });
          }
        } catch (error) {
          answer(500, { __type: 'com.amazonaws.sqs#InternalError', message: String(error) });
        }
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const queueUrl = `${endpoint}/${ACCOUNT}/${QUEUE}`;
  const deadLetterQueueArn = `arn:aws:sqs:local:${ACCOUNT}:${DLQ}`;
  const deadLetterQueueUrl = `${endpoint}/${ACCOUNT}/${DLQ}`;

  /** Claims up to one batch of visible messages, the way ReceiveMessage does (synchronously: no poller can race it). */
  function receive(): { batch: Message[]; expired: Message[] } {
    const now = Date.now();
    const batch: Message[] = [];
    const expired: Message[] = [];
    for (const message of main.values()) {
      if (batch.length >= batchSize) break;
      if (message.visibleAt > now) continue;
      if (message.receiveCount >= maxReceiveCount) {
        // The redrive policy: past maxReceiveCount the message moves to the dead-letter queue.
        message.visibleAt = Number.POSITIVE_INFINITY;
        expired.push(message);
        continue;
      }
      message.visibleAt = now + visibilityTimeoutMs;
      message.receiveCount += 1;
      message.receipt = randomUUID();
      batch.push(message);
    }
    return { batch, expired };
  }

  function toRecord(message: Message): SQSRecord {
    return {
      messageId: message.messageId,
      receiptHandle: message.receipt ?? '',
      body: message.body,
      attributes: {
        ApproximateReceiveCount: String(message.receiveCount),
        SentTimestamp: String(message.sentAt),
        SenderId: ACCOUNT,
        ApproximateFirstReceiveTimestamp: String(Date.now()),
      },
      messageAttributes: {},
      md5OfBody: md5(message.body),
      eventSource: 'aws:sqs',
      eventSourceARN: `arn:aws:sqs:local:${ACCOUNT}:${QUEUE}`,
      awsRegion: 'local',
    };
  }

  let handler: SqsHandler | undefined;
  let timer: NodeJS.Timeout | undefined;
  const polls = new Set<Promise<number>>();
  let closed = false;
  let paused = false;

  /** One poll: receive a batch, invoke, delete what succeeded. Returns the batch size. */
  async function pollOnce(): Promise<number> {
    if (handler === undefined || paused) return 0;
    const { batch, expired } = receive();
    for (const message of expired) {
      try {
        // The dead letter is stored before the message leaves memory (and the checkpoint may pass it).
        if (message.deadLetterSk === undefined) await putDeadLetter(message.body, message.receiveCount);
        else redriven.delete(message.deadLetterSk); // still stored where it came from
        main.delete(message.messageId);
        admitWaiting();
      } catch {
        message.visibleAt = 0; // the store refused: try again at the next poll
      }
    }
    if (batch.length === 0) return expired.length;
    const receipts = new Map(batch.map((message) => [message.messageId, message.receipt]));
    let failedIds = new Set(batch.map((message) => message.messageId));
    try {
      const result = await handler({ Records: batch.map(toRecord) }, lambdaContext(Math.min(30_000, visibilityTimeoutMs)));
      failedIds = new Set((result?.batchItemFailures ?? []).map((failure) => failure.itemIdentifier));
    } catch {
      // A thrown handler fails the whole batch: every message becomes visible again after the timeout.
    }
    await Promise.all(
      batch.map(async (message) => {
        // Deleting with a stale receipt (the message timed out and was received again) does nothing, as in SQS.
        if (failedIds.has(message.messageId) || message.receipt !== receipts.get(message.messageId)) return;
        await finish(message).catch(() => undefined);
      }),
    );
    return batch.length;
  }

  /** Runs up to `concurrency` polls at once; resolves with the messages they handled. */
  async function poll(): Promise<number> {
    const started: Promise<number>[] = [];
    while (polls.size < concurrency) {
      const next: Promise<number> = pollOnce()
        .catch(() => 0)
        .finally(() => polls.delete(next));
      polls.add(next);
      started.push(next);
    }
    const counts = await Promise.all(started.length > 0 ? started : [...polls]);
    return counts.reduce((sum, count) => sum + count, 0);
  }

  function schedule(): void {
    if (closed) return;
    timer = setTimeout(() => {
      void poll().then((count) => {
        if (count > 0) setImmediate(schedule);
        else schedule();
      });
    }, pollIntervalMs);
  }

  async function drainFor(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (main.size === 0 && polls.size === 0) return true;
      const count = await poll();
      if (count === 0) await new Promise((resolve) => setTimeout(resolve, Math.max(1, Math.min(50, visibilityTimeoutMs, deadline - Date.now()))));
    }
    return main.size === 0 && polls.size === 0;
  }

  return {
    endpoint,
    queueUrl,
    deadLetterQueueUrl,
    deadLetterQueueArn,
    send: (body, pin) => Promise.resolve(enqueue(body, pin === undefined ? {} : { pin })),
    waitForRoom() {
      // Room is counted with the writes already admitted, so a burst of waiters cannot overshoot by much.
      if (closed || (waiting.length === 0 && main.size < maxBacklog)) return Promise.resolve();
      return new Promise<void>((resolve) => waiting.push(resolve));
    },
    backlog: () => main.size,
    oldestPin() {
      let oldest: string | undefined;
      for (const message of main.values()) if (message.pin !== undefined && (oldest === undefined || message.pin < oldest)) oldest = message.pin;
      return oldest;
    },
    attach(next) {
      handler = next;
      schedule();
    },
    async drain(timeoutMs = 60_000) {
      if (!(await drainFor(timeoutMs))) throw new Error('local queue did not drain in time');
    },
    async messages(queue) {
      const items = queue === 'main' ? [...main.values()] : await deadLetters();
      return items.map((item) => ({ messageId: item.messageId, body: item.body, receiveCount: item.receiveCount }));
    },
    redrive: redriveAll,
    pause() {
      paused = true;
    },
    resume() {
      paused = false;
    },
    async close(drainMs = 0) {
      closed = true;
      // Writes waiting for room go in now: the checkpoint stays behind whatever is left (re-fed at the next start).
      admitWaiting();
      if (timer !== undefined) clearTimeout(timer);
      await Promise.all([...polls]);
      if (drainMs > 0 && handler !== undefined && !paused) await drainFor(drainMs);
      await Promise.all([...polls]);
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      raw.destroy();
      return main.size;
    },
  };
}
