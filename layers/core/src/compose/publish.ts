import type { Logger } from '@aws-lambda-powertools/logger';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { EdgeprintConfig } from '../config';
import type { EventQueue } from '../forwarding/event-queue';
import { publishEvents, type PublishDependencies } from '../forwarding/publish-events';
import { sqsEventQueue } from '../queue/sqs-event-queue';
import type { Runtime } from '../runtime';
import { isLoopback, type TableContext } from '../store/client';
import { putOutboxEvents } from '../store/outbox/put-outbox-events';

// Moved unchanged from runtime.ts so the recording functions can build a publisher without the rest of the runtime.

/** The SQS event queue, or undefined when forwarding is off. @example const queue = eventQueue(config) */
export function eventQueue(config: EdgeprintConfig): EventQueue | undefined {
  if (config.queueUrl === undefined) return undefined;
  const local = config.sqsEndpoint !== undefined && isLoopback(config.sqsEndpoint);
  const client = new SQSClient({
    region: config.region,
    endpoint: config.sqsEndpoint,
    maxAttempts: 2,
    ...(local ? { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
  });
  return sqsEventQueue(client, config.queueUrl);
}

/** Enqueues events, falling back to the outbox (see publishEvents). @example const publish = eventPublisher(queue, config, table, logger) */
export function eventPublisher(queue: EventQueue | undefined, config: EdgeprintConfig, table: TableContext, logger: Logger): Runtime['publish'] {
  if (queue === undefined) return async () => undefined;
  const dependencies: PublishDependencies = {
    queue,
    outbox: { put: (events) => putOutboxEvents(table, events, config.retentionDays) },
    log: (level, message, details) => logger[level](message, details),
  };
  return async (events) => {
    await publishEvents(dependencies, events);
  };
}

