import { SendMessageCommand, SQSClient, StartMessageMoveTaskCommand } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { startEmbeddedDynamo, type EmbeddedDynamo } from '../../../infra/local/embedded-dynamodb';
import { startLocalSqs, type LocalSqs } from '../../../infra/local/local-sqs';

/**
 * The local SQS stand-in with its main queue in memory: SQS semantics kept (visibility timeout,
 * redelivery, partial batch failures, maxReceiveCount into a stored dead-letter queue, re-drive), and
 * the pins that hold the change feed's checkpoint. Real dynalite (in memory) for the dead letters.
 */
describe('startLocalSqs()', () => {
  let dynamo: EmbeddedDynamo;
  let queue: LocalSqs | undefined;
  beforeAll(async () => {
    dynamo = await startEmbeddedDynamo();
  });
  afterEach(async () => {
    await queue?.close();
    queue = undefined;
  });
  afterAll(async () => {
    await dynamo.close();
  });

  const start = (tableName: string, visibilityTimeoutMs = 50) =>
    startLocalSqs({ dynamodbEndpoint: dynamo.endpoint, tableName, visibilityTimeoutMs, pollIntervalMs: 5, maxReceiveCount: 3, batchSize: 4 });

  it('redelivers a failed message after the visibility timeout and dead-letters it after maxReceiveCount', async () => {
    queue = await start('q-retries');
    const received: { body: string; count: string }[] = [];
    queue.attach(async (event: SQSEvent) => {
      for (const record of event.Records) received.push({ body: record.body, count: record.attributes.ApproximateReceiveCount });
      // Partial batch response: "bad" fails every time, the rest succeed.
      return { batchItemFailures: event.Records.filter((record) => record.body === 'bad').map((record) => ({ itemIdentifier: record.messageId })) };
    });
    await queue.send('good');
    await queue.send('bad');
    await queue.drain(5_000);
    expect(received.filter((entry) => entry.body === 'good').map((entry) => entry.count)).toEqual(['1']);
    expect(received.filter((entry) => entry.body === 'bad').map((entry) => entry.count)).toEqual(['1', '2', '3']);
    expect(await queue.messages('main')).toEqual([]);
    expect((await queue.messages('dlq')).map((message) => message.body)).toEqual(['bad']);
  });

  it('re-drives a dead letter through the SQS API, deleting its stored item only once the consumer finished it', async () => {
    // The consumer holds the batch a while: a visibility timeout longer than that, so it is not redelivered meanwhile.
    queue = await start('q-redrive', 5_000);
    const sqs = new SQSClient({ region: 'us-east-1', endpoint: queue.endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    await sqs.send(new SendMessageCommand({ QueueUrl: queue.deadLetterQueueUrl, MessageBody: 'letter' }));
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const handled: string[] = [];
    queue.attach(async (event: SQSEvent) => {
      await held;
      handled.push(...event.Records.map((record) => record.body));
    });
    const task = await sqs.send(new StartMessageMoveTaskCommand({ SourceArn: queue.deadLetterQueueArn }));
    expect(task.TaskHandle).toBe('local-1');
    // A second re-drive while the first is in flight queues nothing twice.
    expect((await sqs.send(new StartMessageMoveTaskCommand({ SourceArn: queue.deadLetterQueueArn }))).TaskHandle).toBe('local-0');
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect((await queue.messages('dlq')).map((message) => message.body)).toEqual(['letter']);
    release();
    await queue.drain(5_000);
    expect(handled).toEqual(['letter']);
    expect(await queue.messages('dlq')).toEqual([]);
    sqs.destroy();
  });

  it('pins: oldestPin() is the earliest pin among unfinished messages, and moves on once they are finished', async () => {
    queue = await start('q-pins');
    await queue.send('unpinned');
    await queue.send('later', '2026-12-06T10:00:05.000Z');
    await queue.send('earlier', '2026-12-06T10:00:01.000Z');
    expect(queue.oldestPin()).toBe('2026-12-06T10:00:01.000Z');
    const finished: string[] = [];
    queue.attach(async (event: SQSEvent) => {
      finished.push(...event.Records.map((record) => record.body));
      // Only "earlier" fails (and is redelivered until it dead-letters): "later" is finished first.
      return { batchItemFailures: event.Records.filter((record) => record.body === 'earlier').map((record) => ({ itemIdentifier: record.messageId })) };
    });
    const deadline = Date.now() + 5_000;
    while (!finished.includes('later') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(queue.oldestPin()).toBe('2026-12-06T10:00:01.000Z');
    await queue.drain(5_000);
    // Dead-lettered (stored) is finished too: nothing holds the checkpoint any more.
    expect(queue.oldestPin()).toBeUndefined();
    expect((await queue.messages('dlq')).map((message) => message.body)).toEqual(['earlier']);
  });

  it('close(drainMs) keeps handing messages to the consumer until the queue is empty, and reports what is left', async () => {
    queue = await start('q-close');
    let handled = 0;
    queue.attach(async (event: SQSEvent) => {
      handled += event.Records.length;
    });
    queue.pause();
    for (let index = 0; index < 10; index += 1) await queue.send(`m${index}`);
    queue.resume();
    const left = await queue.close(5_000);
    queue = undefined;
    expect(left).toBe(0);
    expect(handled).toBe(10);
  });

  it('close() without a drain reports the unfinished messages', async () => {
    queue = await start('q-close-left');
    queue.attach(async () => undefined);
    queue.pause();
    for (let index = 0; index < 3; index += 1) await queue.send(`m${index}`, '2026-12-06T10:00:00.000Z');
    const left = await queue.close();
    queue = undefined;
    expect(left).toBe(3);
  });

  it('holds the change feed at maxBacklog until the consumer finishes messages, and lets everyone in when it closes', async () => {
    queue = await startLocalSqs({ dynamodbEndpoint: dynamo.endpoint, tableName: 'q-backlog', visibilityTimeoutMs: 5_000, pollIntervalMs: 5, batchSize: 2, concurrency: 1, maxBacklog: 3 });
    const feed = async (body: string) => {
      await queue!.waitForRoom();
      await queue!.send(body);
    };
    for (const body of ['a', 'b', 'c']) await feed(body);
    expect(queue.backlog()).toBe(3);
    let fourthIn = false;
    const fourth = feed('d').then(() => (fourthIn = true));
    await new Promise((resolve) => setTimeout(resolve, 50));
    // Full: the fourth write waits (no consumer yet), nothing is lost or refused.
    expect(fourthIn).toBe(false);
    expect(queue.backlog()).toBe(3);
    const handled: string[] = [];
    queue.attach(async (event: SQSEvent) => {
      handled.push(...event.Records.map((record) => record.body));
    });
    await fourth;
    await queue.drain(5_000);
    expect(handled.sort()).toEqual(['a', 'b', 'c', 'd']);

    // A closing queue never leaves a write waiting: the change feed's checkpoint covers what is left.
    queue.pause();
    for (const body of ['e', 'f', 'g']) await feed(body);
    const late = feed('h');
    await queue.close();
    await expect(late).resolves.toBeUndefined();
    queue = undefined;
  });
});
