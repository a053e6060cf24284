import { createHash, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DynamoDBClient, ResourceInUseException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { localClientOptions } from '../../layers/core/src/store/client';

/**
 * The local stand-in for SQS and its Lambda event source mapping. It speaks just enough of the SQS
 * JSON protocol (SendMessage, SendMessageBatch) for the real SQS client to enqueue, keeps messages in
 * a dynalite table (so they survive a restart), and drains them into the real forwarder handler
 * with SQS-shaped events and SQS's semantics: batch size, visibility timeout, redelivery,
 * partial batch responses and maxReceiveCount with a dead-letter queue.
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
}

export type SqsHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | void>;

export interface LocalSqs {
  readonly endpoint: string;
  readonly queueUrl: string;
  readonly deadLetterQueueUrl: string;
  readonly deadLetterQueueArn: string;
  /** Enqueues one message in this process (the local change feed's path; the SQS API is for clients). */
  send(body: string): Promise<string>;
  /** Starts the event source mapping: polls and invokes the handler until close(). */
  attach(handler: SqsHandler): void;
  /** Runs polls until the main queue is empty (visible or not), or the timeout passes. For tests and benches. */
  drain(timeoutMs?: number): Promise<void>;
  /** Messages now in a queue (`main` or `dlq`). */
  messages(queue: 'main' | 'dlq'): Promise<{ messageId: string; body: string; receiveCount: number }[]>;
  /** Stops handing messages to the handler until resume() (like disabling the event source mapping). */
  pause(): void;
  resume(): void;
  /** Moves every dead-lettered message back to the main queue. */
  redrive(): Promise<number>;
  close(): Promise<void>;
}

const ACCOUNT = '000000000000';
const QUEUE = 'edgeprint-events';
const DLQ = 'edgeprint-events-dlq';

const md5 = (text: string) => createHash('md5').update(text, 'utf8').digest('hex');

/** The invocation's deadline is the visibility timeout, as in AWS (timeout ≤ visibility): claims expire when the message reappears. */
function lambdaContext(timeoutMs: number): Context {
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

export async function startLocalSqs(options: LocalSqsOptions): Promise<LocalSqs> {
  const tableName = options.tableName ?? 'edgeprint-local-queue';
  const batchSize = options.batchSize ?? 10;
  const visibilityTimeoutMs = options.visibilityTimeoutMs ?? 30_000;
  const maxReceiveCount = options.maxReceiveCount ?? 5;
  const pollIntervalMs = options.pollIntervalMs ?? 250;
  const concurrency = options.concurrency ?? 2;
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

  let sequence = 0;

  async function redriveAll(): Promise<number> {
    const letters = await list('dlq');
    for (const item of letters) {
      await put('main', item.body);
      await db.send(new DeleteCommand({ TableName: tableName, Key: { queue: 'dlq', sk: item.sk } }));
    }
    return letters.length;
  }
  async function put(queue: 'main' | 'dlq', body: string): Promise<string> {
    const messageId = randomUUID();
    const sentAt = Date.now();
    sequence = (sequence + 1) % 1_000_000;
    await db.send(
      new PutCommand({
        TableName: tableName,
        Item: { queue, sk: `${String(sentAt).padStart(15, '0')}#${String(sequence).padStart(6, '0')}#${messageId}`, messageId, body, sentAt, visibleAt: 0, receiveCount: 0 },
      }),
    );
    return messageId;
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
          const queue = input.QueueUrl?.endsWith(`/${DLQ}`) ? 'dlq' : 'main';
          if (target === 'AmazonSQS.SendMessage' && typeof input.MessageBody === 'string') {
            const messageId = await put(queue, input.MessageBody);
            answer(200, { MessageId: messageId, MD5OfMessageBody: md5(input.MessageBody) });
          } else if (target === 'AmazonSQS.SendMessageBatch' && Array.isArray(input.Entries)) {
            const successful = [];
            for (const entry of input.Entries) {
              successful.push({ Id: entry.Id, MessageId: await put(queue, entry.MessageBody), MD5OfMessageBody: md5(entry.MessageBody) });
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

  type Item = { queue: string; sk: string; messageId: string; body: string; sentAt: number; visibleAt: number; receiveCount: number; receipt?: string };

  async function list(queue: 'main' | 'dlq', limit?: number): Promise<Item[]> {
    const items: Item[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await db.send(
        new QueryCommand({ TableName: tableName, KeyConditionExpression: '#q = :q', ExpressionAttributeNames: { '#q': 'queue' }, ExpressionAttributeValues: { ':q': queue }, ExclusiveStartKey: start, Limit: limit }),
      );
      items.push(...((page.Items ?? []) as Item[]));
      start = limit !== undefined && items.length >= limit ? undefined : page.LastEvaluatedKey;
    } while (start !== undefined);
    return items;
  }

  /** Claims up to one batch of visible messages, the way ReceiveMessage does. */
  async function receive(): Promise<Item[]> {
    const now = Date.now();
    const visible = (await list('main', Math.max(50, batchSize * concurrency * 3))).filter((item) => item.visibleAt <= now && !inFlight.has(item.sk));
    const candidates: Item[] = [];
    for (const item of visible) {
      if (candidates.length >= batchSize) break;
      if (item.receiveCount >= maxReceiveCount) {
        // The redrive policy: past maxReceiveCount the message moves to the dead-letter queue.
        await db.send(new PutCommand({ TableName: tableName, Item: { ...item, queue: 'dlq', visibleAt: 0 } }));
        await db.send(new DeleteCommand({ TableName: tableName, Key: { queue: 'main', sk: item.sk } }));
        continue;
      }
      candidates.push(item);
      inFlight.add(item.sk);
    }
    const claimed: Item[] = [];
    await Promise.all(candidates.map(async (item) => {
      const receipt = randomUUID();
      try {
        await db.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { queue: 'main', sk: item.sk },
            UpdateExpression: 'SET visibleAt = :until, receipt = :receipt ADD receiveCount :one',
            ConditionExpression: 'attribute_exists(sk) AND visibleAt <= :now',
            ExpressionAttributeValues: { ':until': now + visibilityTimeoutMs, ':receipt': receipt, ':one': 1, ':now': now },
          }),
        );
        claimed.push({ ...item, receipt, receiveCount: item.receiveCount + 1 });
      } catch {
        // Claimed by another poller in the meantime.
        inFlight.delete(item.sk);
      }
    }));
    return claimed;
  }

  function toRecord(item: Item): SQSRecord {
    return {
      messageId: item.messageId,
      receiptHandle: item.receipt ?? '',
      body: item.body,
      attributes: {
        ApproximateReceiveCount: String(item.receiveCount),
        SentTimestamp: String(item.sentAt),
        SenderId: ACCOUNT,
        ApproximateFirstReceiveTimestamp: String(Date.now()),
      },
      messageAttributes: {},
      md5OfBody: md5(item.body),
      eventSource: 'aws:sqs',
      eventSourceARN: `arn:aws:sqs:local:${ACCOUNT}:${QUEUE}`,
      awsRegion: 'local',
    };
  }

  let handler: SqsHandler | undefined;
  let timer: NodeJS.Timeout | undefined;
  const polls = new Set<Promise<number>>();
  /** Messages a poller of this process holds, so concurrent pollers do not race for them. */
  const inFlight = new Set<string>();
  let closed = false;
  let paused = false;

  /** One poll: receive a batch, invoke, delete what succeeded. Returns the batch size. */
  async function pollOnce(): Promise<number> {
    if (handler === undefined || paused) return 0;
    const batch = await receive();
    if (batch.length === 0) return 0;
    let failedIds = new Set(batch.map((item) => item.messageId));
    try {
      const result = await handler({ Records: batch.map(toRecord) }, lambdaContext(Math.min(30_000, visibilityTimeoutMs)));
      failedIds = new Set((result?.batchItemFailures ?? []).map((failure) => failure.itemIdentifier));
    } catch {
      // A thrown handler fails the whole batch: every message becomes visible again after the timeout.
    }
    await Promise.all(
      batch.map(async (item) => {
        if (!failedIds.has(item.messageId)) {
          await db
            .send(new DeleteCommand({ TableName: tableName, Key: { queue: 'main', sk: item.sk }, ConditionExpression: 'receipt = :receipt', ExpressionAttributeValues: { ':receipt': item.receipt } }))
            .catch(() => undefined);
        }
        inFlight.delete(item.sk);
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

  return {
    endpoint,
    queueUrl,
    deadLetterQueueUrl,
    deadLetterQueueArn,
    send: (body) => put('main', body),
    attach(next) {
      handler = next;
      schedule();
    },
    async drain(timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        if ((await list('main', 1)).length === 0 && polls.size === 0) return;
        const count = await poll();
        if (count === 0) await new Promise((resolve) => setTimeout(resolve, Math.min(50, visibilityTimeoutMs)));
      }
      throw new Error('local queue did not drain in time');
    },
    async messages(queue) {
      return (await list(queue)).map((item) => ({ messageId: item.messageId, body: item.body, receiveCount: item.receiveCount }));
    },
    redrive: redriveAll,
    pause() {
      paused = true;
    },
    resume() {
      paused = false;
    },
    async close() {
      closed = true;
      if (timer !== undefined) clearTimeout(timer);
      await Promise.all([...polls]);
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      raw.destroy();
    },
  };
}
