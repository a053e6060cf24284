import { randomUUID } from 'node:crypto';
import { recordVisit, type RecordVisitInput } from '../../../../layers/core/src/domain/record-visit';
import type { EventStore, VisitRecord } from '../../../../layers/core/src/domain/records';
import { ServiceUnavailableError } from '../../../../layers/core/src/errors';
import { keys } from '../../../../layers/core/src/store/keys';
import { pageRecord, requestRecord, useDynaliteTable } from '../store/table-fixture';

const T0 = Date.parse('2026-03-01T12:00:00.000Z');

function pageview(record: VisitRecord, sessionIsNew: boolean): RecordVisitInput {
  return { record, sessionIsNew, firstTouch: { landingUrl: record.url }, debounceSeconds: 10, gate: { url: record.url, kind: 'page', countHit: true } };
}

/** The same browser's next report: a new event id and time, same session and url. */
function again(record: VisitRecord, at: number): VisitRecord {
  return { ...record, eventId: randomUUID(), at: new Date(at) };
}

describe('recordVisit()', () => {
  const db = useDynaliteTable();
  /**
   * The hits the stored records carry for `url`: what the queue consumer will add to its counter
   * (it counts each stored event's `hit` once; that half is tested in test/integration/crash.test.ts
   * and test/functions/hits.test.ts).
   */
  const hits = async (url: string) =>
    (await db().scan())
      .map((item) => (item.type === 'session' ? (item.first as Record<string, unknown>) : item))
      .filter((record) => record !== undefined && (record.hit === url || (record.hit === true && record.url === url))).length;
  const itemsOf = async (sessionId: string) => (await db().scan()).filter((item) => item.pk === keys.session(sessionId).pk);

  it('counts the first view once, debounces a repeat inside the window and records one outside it', async () => {
    const first = pageRecord({ at: new Date(T0) });
    expect(await recordVisit(db().store, pageview(first, true))).toMatchObject({ recorded: true, hitCounted: true });
    expect(await recordVisit(db().store, pageview(again(first, T0 + 9999), false))).toEqual({ recorded: false, reason: 'debounced' });
    expect(await recordVisit(db().store, pageview(again(first, T0 + 10000), false))).toMatchObject({ recorded: true, hitCounted: false });
    expect(await hits(first.url)).toBe(1);
    const items = await itemsOf(first.sessionId);
    // The session item holds the first record; the view outside the window is an event record.
    expect(items.map((item) => item.type).sort()).toEqual(['browser_event', 'session', 'view_marker']);
    expect(items.find((item) => item.type === 'session')?.first).toMatchObject({ eventId: first.eventId });
  });

  it('counts an existing session viewing a new url, and not the same url a second time', async () => {
    const first = pageRecord({ at: new Date(T0) });
    await recordVisit(db().store, pageview(first, true));
    const other = { ...again(first, T0 + 1000), url: `${first.url}&page=2` };
    expect(await recordVisit(db().store, pageview(other, false))).toMatchObject({ recorded: true, hitCounted: true });
    expect(await hits(other.url)).toBe(1);
    expect(await hits(first.url)).toBe(1);
  });

  it('records the redirect page and counts its target, sharing the first view with pageviews of that url', async () => {
    const target = `https://site.example/target-${randomUUID()}`;
    const request = requestRecord({ at: new Date(T0) });
    const viaRedirect: RecordVisitInput = { record: request, sessionIsNew: true, firstTouch: {}, debounceSeconds: 10, gate: { url: target, kind: 'request', countHit: true } };
    expect(await recordVisit(db().store, viaRedirect)).toMatchObject({ recorded: true, hitCounted: true });
    const landed = pageRecord({ sessionId: request.sessionId, url: target, at: new Date(T0 + 500) });
    expect(await recordVisit(db().store, pageview(landed, false))).toMatchObject({ recorded: true, hitCounted: false });
    expect(await hits(target)).toBe(1);
  });

  it('never debounces records without a gate (custom events)', async () => {
    const click = pageRecord({ event: 'signup_click', at: new Date(T0) });
    const input = (record: VisitRecord): RecordVisitInput => ({ record, sessionIsNew: false, firstTouch: {}, debounceSeconds: 10 });
    expect(await recordVisit(db().store, input(click))).toMatchObject({ recorded: true, hitCounted: false });
    expect(await recordVisit(db().store, input(again(click, T0 + 1)))).toMatchObject({ recorded: true, hitCounted: false });
    expect(await hits(click.url)).toBe(0);
    // The first created the session; the second is an event record.
    expect((await itemsOf(click.sessionId)).map((item) => item.type).sort()).toEqual(['browser_event', 'session']);
  });

  it('reopens the gate when the record cannot be stored, so the retry is recorded and counted exactly once', async () => {
    const landing = pageRecord({ at: new Date(T0) });
    await recordVisit(db().store, pageview(landing, true)); // the session exists, so the next view goes through putRecord
    // Deliberate fault injection: the real DynamoDB store, with only putRecord failing (as a throttled write would).
    const failing: EventStore = {
      ...db().store,
      putRecord: async () => {
        throw new Error('injected putRecord failure');
      },
    };
    const view = { ...again(landing, T0 + 1000), url: `https://site.example/retried-${randomUUID()}` };
    await expect(recordVisit(failing, pageview(view, false))).rejects.toBeInstanceOf(ServiceUnavailableError);
    expect(await hits(view.url)).toBe(0);
    expect(await recordVisit(db().store, pageview(again(view, T0 + 1500), false))).toMatchObject({ recorded: true, hitCounted: true });
    expect(await recordVisit(db().store, pageview(again(view, T0 + 2000), false))).toEqual({ recorded: false, reason: 'debounced' });
    expect(await hits(view.url)).toBe(1);
    const records = (await itemsOf(view.sessionId)).filter((item) => item.type === 'browser_event' && item.url === view.url);
    expect(records).toHaveLength(1);
  });

  it('reopens the gate when a new session cannot be created, and the retry counts once', async () => {
    // Deliberate fault injection: createSession fails once on the real store.
    const failing: EventStore = {
      ...db().store,
      createSession: async () => {
        throw new Error('injected createSession failure');
      },
    };
    const view = pageRecord({ at: new Date(T0) });
    await expect(recordVisit(failing, pageview(view, true))).rejects.toBeInstanceOf(ServiceUnavailableError);
    expect((await itemsOf(view.sessionId)).filter((item) => item.type !== 'view_marker')).toEqual([]);
    expect(await recordVisit(db().store, pageview(again(view, T0 + 300), false))).toMatchObject({ recorded: true, hitCounted: true });
    expect(await hits(view.url)).toBe(1);
  });
});
