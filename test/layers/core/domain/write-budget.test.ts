import { randomUUID } from 'node:crypto';
import { firstTouch } from '../../../../layers/core/src/domain/attribution';
import { recordVisit, type RecordVisitInput } from '../../../../layers/core/src/domain/record-visit';
import type { VisitRecord } from '../../../../layers/core/src/domain/records';
import { newSessionId } from '../../../../layers/core/src/domain/session-id';
import { incrementHitCounter } from '../../../../layers/core/src/store/hits/increment-hit-counter';
import { createCapacityMeter, type CapacitySample } from '../../../helpers/capacity';
import { pageRecord, useDynaliteTable } from '../store/table-fixture';

const T0 = Date.parse('2026-03-01T12:00:00.000Z');

/** The input collect builds for a pageview (first touch from the page url and document.referrer). */
function pageview(record: VisitRecord, sessionIsNew: boolean): RecordVisitInput {
  const referrer = record.kind === 'event' ? record.referrer : undefined;
  return { record, sessionIsNew, firstTouch: firstTouch(record.url, referrer), debounceSeconds: 10, gate: { url: record.url, kind: 'page', countHit: true } };
}

function again(record: VisitRecord, at: number, url = record.url): VisitRecord {
  return { ...record, eventId: randomUUID(), at: new Date(at), url };
}

/** Fails with the per-write breakdown (each started KB of an item is one more unit), not just a total. */
function expectWriteUnitsAtMost(sample: CapacitySample, budget: number): void {
  const writes = sample.operations.filter((op) => op.kind === 'write').map((op) => `${op.operation}=${op.units}${op.conditionFailed ? ' (condition failed)' : ''}`);
  expect(sample.writeUnits).toBeGreaterThan(0);
  expect({ writeUnits: sample.writeUnits, writes }).toEqual({ writeUnits: sample.writeUnits <= budget ? sample.writeUnits : `at most ${budget}`, writes });
}

/** The write-unit budgets of issue 2 (docs/data-model.md), measured on dynalite through the real store. */
describe('recordVisit() write units', () => {
  const meter = createCapacityMeter();
  const db = useDynaliteTable({ meter });

  /** recordVisit, then the write the queue consumer makes downstream for what it stored (the hit counter). */
  async function withConsumer(input: RecordVisitInput) {
    const outcome = await recordVisit(db().store, input);
    if (outcome.recorded && outcome.stored.hit !== undefined) await incrementHitCounter(db().table, outcome.stored.hit);
    return outcome;
  }

  afterEach(() => {
    // Every write must have been metered, or a budget could pass on missing data.
    expect(meter.unmetered).toBe(0);
  });

  it('meters a plain write as 1 unit and a failed conditional write as 1 unit', async () => {
    const record = pageRecord();
    const stored = await meter.measure(() => db().store.putRecord(record));
    expect(stored.writeUnits).toBe(1);
    const retried = await meter.measure(() => db().store.putRecord(record));
    expect(retried.writeUnits).toBe(1);
    expect(retried.operations).toEqual([expect.objectContaining({ operation: 'PutItem', conditionFailed: true })]);
  });

  it('a new unique pageview of a new session costs at most 3, the consumer\'s hit counter included', async () => {
    const sample = await meter.measure(() => withConsumer(pageview(pageRecord({ at: new Date(T0) }), true)));
    expect(sample.result).toMatchObject({ recorded: true, hitCounted: true });
    expectWriteUnitsAtMost(sample, 3);
  });

  it('a new unique pageview of an existing session (new url) costs at most 3, the consumer\'s hit counter included', async () => {
    const first = pageRecord({ at: new Date(T0) });
    await recordVisit(db().store, pageview(first, true));
    const sample = await meter.measure(() =>
      withConsumer(pageview(again(first, T0 + 1000, `https://site.example/articles/2026/${randomUUID().slice(0, 8)}-other-article`), false)),
    );
    expect(sample.result).toMatchObject({ recorded: true, hitCounted: true });
    expectWriteUnitsAtMost(sample, 3);
  });

  it('a repeat pageview inside the debounce window costs at most 1', async () => {
    const first = pageRecord({ at: new Date(T0) });
    await recordVisit(db().store, pageview(first, true));
    const sample = await meter.measure(() => recordVisit(db().store, pageview(again(first, T0 + 5000), false)));
    expect(sample.result).toEqual({ recorded: false, reason: 'debounced' });
    expectWriteUnitsAtMost(sample, 1);
  });

  it('a repeat pageview outside the debounce window costs 2', async () => {
    const first = pageRecord({ at: new Date(T0) });
    await recordVisit(db().store, pageview(first, true));
    const { writeUnits, result } = await meter.measure(() => recordVisit(db().store, pageview(again(first, T0 + 60000), false)));
    expect(result).toMatchObject({ recorded: true, hitCounted: false });
    expect(writeUnits).toBe(2);
  });

  it('an activity post costs 1', async () => {
    const { writeUnits } = await meter.measure(() =>
      db().store.putActivity({
        eventId: randomUUID(),
        at: new Date(T0),
        date: '2026-03-01T11:59:58.120Z',
        path: '/settings/profile',
        referer: 'https://site.example/home',
        sessionId: newSessionId(),
        ip: '203.0.113.0',
        userAgent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
      }),
    );
    expect(writeUnits).toBe(1);
  });
});
