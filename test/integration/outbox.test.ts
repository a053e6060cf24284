import { createServer } from 'node:net';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { ForwardEvent } from '../../layers/core/src/forwarding/event';
import { publishEvents } from '../../layers/core/src/forwarding/publish-events';
import { sweepOutbox } from '../../layers/core/src/forwarding/sweep-outbox';
import { sqsEventQueue } from '../../layers/core/src/queue/sqs-event-queue';
import { createTableContext } from '../../layers/core/src/store/client';
import { putOutboxEvents } from '../../layers/core/src/store/outbox/put-outbox-events';
import { deleteOutboxEvent, listOutboxEvents } from '../../layers/core/src/store/outbox/take-outbox-events';
import { collectJson, scanTable, useLocalStack } from '../helpers/local-stack';

/** A loopback port with nothing listening: a queue that is really down, not a mock. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

let deadQueueUrl = '';

beforeAll(async () => {
  deadQueueUrl = `http://127.0.0.1:${await closedPort()}/000000000000/edgeprint-events`;
});

const event = (eventId: string): ForwardEvent => ({
  v: 1,
  eventId,
  kind: 'pageview',
  name: 'pageview',
  at: '2026-11-22T10:00:00.000Z',
  url: 'https://shop.example/',
  gpc: false,
  dnt: false,
});

describe('publishEvents() when the queue is down', () => {
  const stack = useLocalStack(() => ({ env: { EDGEPRINT_QUEUE_URL: deadQueueUrl, EDGEPRINT_SQS_ENDPOINT: new URL(deadQueueUrl).origin } }));

  it('still answers the visitor with 204 and keeps the event in the table outbox', async () => {
    const response = await collectJson(stack(), { id: 'visitorOutbox', url: 'https://shop.example/outbox' });
    expect(response.status).toBe(204);
    const outbox = (await scanTable(stack())).filter((item) => item.type === 'outbox_event');
    expect(outbox).toHaveLength(1);
    expect(JSON.parse(String(outbox[0]!.event))).toMatchObject({ kind: 'pageview', url: 'https://shop.example/outbox' });
  });

  it('retries with backoff, then writes the outbox; the sweep re-sends it once the queue is back', async () => {
    const table = createTableContext({ tableName: stack().tableName, region: 'us-east-1', endpoint: stack().dynamodbEndpoint });
    const deadQueue = sqsEventQueue(
      new SQSClient({ region: 'us-east-1', endpoint: new URL(deadQueueUrl).origin, maxAttempts: 1, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }),
      deadQueueUrl,
    );
    const waits: number[] = [];
    const logged: string[] = [];
    const outcome = await publishEvents(
      {
        queue: deadQueue,
        outbox: { put: (events) => putOutboxEvents(table, events, 30) },
        log: (_level, message) => logged.push(message),
        sleep: async (ms) => {
          waits.push(ms);
        },
      },
      [event('evt-a'), event('evt-b')],
    );
    expect(outcome).toEqual({ queued: 0, outboxed: 2, lost: 0 });
    expect(waits).toEqual([25, 100, 300]);
    expect(logged).toContain('enqueue failed after retries; events go to the outbox');

    const liveQueue = sqsEventQueue(
      new SQSClient({ region: 'us-east-1', endpoint: stack().queue.endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }),
      stack().queue.queueUrl,
    );
    const outbox = { list: () => listOutboxEvents(table), remove: (key: { pk: string; sk: string }) => deleteOutboxEvent(table, key) };
    const before = (await outbox.list()).length;
    expect(before).toBeGreaterThanOrEqual(2);
    expect(await sweepOutbox(outbox, liveQueue)).toEqual({ resent: before, remaining: 0 });
    expect(await outbox.list()).toEqual([]);
    const queued = (await stack().queue.messages('main')).map((message) => (JSON.parse(message.body) as ForwardEvent).eventId);
    expect(queued).toEqual(expect.arrayContaining(['evt-a', 'evt-b']));
  });

  it('logs every event whole when even the outbox write fails, and never throws', async () => {
    const logged: { level: string; details: Record<string, unknown> }[] = [];
    const outcome = await publishEvents(
      {
        queue: { send: async (events) => events },
        // The table is really unreachable here: a closed port.
        outbox: { put: (events) => putOutboxEvents(createTableContext({ tableName: 'x-table', region: 'us-east-1', endpoint: new URL(deadQueueUrl).origin }), events, 30) },
        log: (level, _message, details) => logged.push({ level, details }),
        sleep: async () => undefined,
      },
      [event('evt-lost')],
    );
    expect(outcome).toEqual({ queued: 0, outboxed: 0, lost: 1 });
    expect(logged.some((entry) => entry.level === 'error' && (entry.details.event as ForwardEvent | undefined)?.eventId === 'evt-lost')).toBe(true);
  });
});
