import { cutBatches } from '../../bench/aggregates';
import { forwardEvent } from '../helpers/forward-event-factory';

const START = Date.parse('2026-11-22T10:00:00.000Z');
const at = (seconds: number) => forwardEvent({ at: new Date(START + seconds * 1000).toISOString() });
/** Each batch as [events, seconds after START it is handed over]. */
const shape = (seconds: number[], batching: Parameters<typeof cutBatches>[1]) =>
  cutBatches(seconds.map(at), batching).map((batch) => [batch.events.length, (batch.invokedAt - START) / 1000]);

describe('cutBatches()', () => {
  it('hands a batch over when its window ends, the next window starting then, and skips windows with nothing in them', () => {
    expect(shape([0, 1, 2, 6, 7, 30, 31], { batchSize: 100, windowSeconds: 5 })).toEqual([
      [3, 5],
      [2, 10],
      [2, 35],
    ]);
  });

  it('hands a batch over as soon as it is full, and starts the next window then', () => {
    expect(shape([0, 1, 2, 3, 4], { batchSize: 2, windowSeconds: 5 })).toEqual([
      [2, 1],
      [2, 3],
      [1, 8],
    ]);
  });

  it('with several pollers, deals the messages to them in turn and each cuts its own batches', () => {
    const batches = cutBatches([0, 1, 2, 3, 4, 5].map(at), { batchSize: 100, windowSeconds: 10, pollers: 2 });
    expect(batches.map((batch) => batch.events.map((event) => (Date.parse(event.at) - START) / 1000))).toEqual([
      [0, 2, 4],
      [1, 3, 5],
    ]);
    // Every event in exactly one batch, whatever the setting.
    const events = Array.from({ length: 50 }, (_, index) => at(index * 3.7));
    for (const batching of [{ batchSize: 7, windowSeconds: 5 }, { batchSize: 1000, windowSeconds: 90, pollers: 5 }]) {
      expect(cutBatches(events, batching).flatMap((batch) => batch.events).map((event) => event.eventId).sort()).toEqual(events.map((event) => event.eventId).sort());
    }
  });
});
