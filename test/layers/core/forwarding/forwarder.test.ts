import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { aggregateBatch, type AggregateStore } from '../../../../layers/core/src/aggregates/aggregate-batch';
import { readStats } from '../../../../layers/core/src/aggregates/read-stats';
import { parseStatsQuery } from '../../../../layers/core/src/aggregates/stats-query';
import type { DeadLetter } from '../../../../layers/core/src/forwarding/dead-letter';
import type { DeliveryLedger } from '../../../../layers/core/src/forwarding/delivery-ledger';
import type { ForwardEvent } from '../../../../layers/core/src/forwarding/event';
import { AGGREGATES, createForwarder } from '../../../../layers/core/src/forwarding/forwarder';
import { applyPrivacyFilter } from '../../../../layers/core/src/forwarding/privacy-filter';
import { dynamoAggregateStore } from '../../../../layers/core/src/store/dynamo-aggregate-store';
import { forwardEvent } from '../../../helpers/forward-event-factory';
import { useDynaliteTable } from '../store/table-fixture';

const context = { getRemainingTimeInMillis: () => 30_000 } as unknown as Context;
const at = new Date().toISOString();

function record(event: ForwardEvent | string, receiveCount: number): SQSRecord {
  const body = typeof event === 'string' ? event : JSON.stringify(event);
  return {
    messageId: typeof event === 'string' ? 'malformed' : `m-${event.eventId}`,
    receiptHandle: 'r',
    body,
    attributes: { ApproximateReceiveCount: String(receiveCount), SentTimestamp: '0', SenderId: 'local', ApproximateFirstReceiveTimestamp: '0' },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:local:000000000000:edgeprint-events',
    awsRegion: 'local',
  };
}

/** No provider is configured, so the ledger must never be asked. */
const unusedLedger: DeliveryLedger = {
  claim: async () => Promise.reject(new Error('ledger used without providers')),
  complete: async () => Promise.reject(new Error('ledger used without providers')),
  release: async () => Promise.reject(new Error('ledger used without providers')),
};

describe('createForwarder() with the aggregation step', () => {
  const db = useDynaliteTable();
  /** The dead-letter queue is SQS, an AWS-only service: here the letters are only collected. */
  const letters: DeadLetter[] = [];
  let failingSite: string | undefined;

  function forwarder() {
    const real = dynamoAggregateStore(db().table);
    const store: AggregateStore = {
      ...real,
      addDayCounters: async (site, day, increments, latestAt) => {
        if (site === failingSite) throw new Error('ProvisionedThroughputExceededException');
        return real.addDayCounters(site, day, increments, latestAt);
      },
    };
    const log = () => undefined;
    return createForwarder({
      providers: [],
      ledger: unusedLedger,
      filter: (events) => applyPrivacyFilter(events).events,
      deadLetter: async (letter) => {
        letters.push(letter);
      },
      maxAttempts: 3,
      log,
      aggregate: (events) => aggregateBatch(events, { store, log }),
    });
  }

  const pageviewsOf = async (site: string) =>
    (await readStats(db().table, parseStatsQuery(new URLSearchParams(`site=${site}&dimension=days`), new Date()))).totals;

  it('fails the records whose aggregation failed, so the queue redelivers them, and counts their redelivery once', async () => {
    failingSite = 'down.example';
    const ok = forwardEvent({ url: 'https://up.example/a', at, gpc: true });
    const failing = [forwardEvent({ url: 'https://down.example/a', at }), forwardEvent({ url: 'https://down.example/b', at, sessionId: 'another' })];
    const batch: SQSEvent = { Records: [ok, ...failing].map((event) => record(event, 1)) };
    const result = await forwarder()(batch, context);
    expect(result.batchItemFailures.map((failure) => failure.itemIdentifier).sort()).toEqual(failing.map((event) => `m-${event.eventId}`).sort());
    // The GPC visitor's event is counted first-party although the privacy filter keeps it from providers.
    expect(await pageviewsOf('up.example')).toMatchObject({ pageviews: 1, gpc: 1 });
    expect(await pageviewsOf('down.example')).toMatchObject({ pageviews: 0 });

    failingSite = undefined;
    const redelivered: SQSEvent = { Records: failing.map((event) => record(event, 2)) };
    expect(await forwarder()(redelivered, context)).toEqual({ batchItemFailures: [] });
    expect(await forwarder()(redelivered, context)).toEqual({ batchItemFailures: [] });
    expect(await pageviewsOf('down.example')).toMatchObject({ pageviews: 2, sessions: 2 });
    expect(await pageviewsOf('up.example')).toMatchObject({ pageviews: 1 });
    expect(letters).toEqual([]);
  });

  it('dead-letters an event whose aggregation still fails on its last attempt, naming the aggregates', async () => {
    failingSite = 'stuck.example';
    const event = forwardEvent({ url: 'https://stuck.example/a', at });
    const result = await forwarder()({ Records: [record(event, 3), record('{"not":"an event"', 1)] }, context);
    expect(result).toEqual({ batchItemFailures: [] });
    expect(letters).toEqual([
      expect.objectContaining({ lastError: 'malformed message' }),
      expect.objectContaining({ event, provider: AGGREGATES, attempts: 3, lastError: 'ProvisionedThroughputExceededException' }),
    ]);
  });
});
