/**
 * Property: at-least-once delivery in any batch cut counts a day exactly once. Any interleaving of
 * a generated day's sessions (each session's events in their own order, as one browser sends them),
 * with any events redelivered later, cut into batches of any size, aggregated by the AWS store or the
 * local journaled one, gives the same stats as aggregating each event once, in time order. Real
 * dynalite through the real SDK; nothing mocked.
 */
import fc from 'fast-check';
import { aggregateBatch } from '../../../../layers/core/src/aggregates/aggregate-batch';
import { readStats } from '../../../../layers/core/src/aggregates/read-stats';
import { parseStatsQuery } from '../../../../layers/core/src/aggregates/stats-query';
import type { ForwardEvent } from '../../../../layers/core/src/forwarding/event';
import { dynamoAggregateStore } from '../../../../layers/core/src/store/dynamo-aggregate-store';
import { journaledAggregator, type JournalEntry } from '../../../../layers/core/src/store/journaled-aggregate-store';
import { AGENTS } from '../../../helpers/aggregate-traffic';
import { forwardEvent } from '../../../helpers/forward-event-factory';
import { useDynaliteTable } from '../store/table-fixture';

const DAY = '2026-11-22';
const NOW = new Date('2026-11-23T12:00:00.000Z');
const log = () => undefined;

interface PlannedSession {
  readonly visitor?: string;
  readonly fingerprint: string;
  readonly gpc: boolean;
  readonly oldCookie: boolean;
  readonly views: readonly { readonly kind: 'pageview' | 'event'; readonly path: string }[];
}

const session: fc.Arbitrary<PlannedSession> = fc.record({
  visitor: fc.option(fc.constantFrom('va', 'vb', 'vc'), { nil: undefined }),
  fingerprint: fc.constantFrom('fa', 'fb'),
  gpc: fc.boolean(),
  oldCookie: fc.boolean(),
  views: fc.array(fc.record({ kind: fc.constantFrom<'pageview' | 'event'>('pageview', 'pageview', 'event'), path: fc.constantFrom('/', '/a', '/b') }), { minLength: 1, maxLength: 4 }),
});

/** One browser's stream per session: a visitor's agent and country are its own, whatever session shows them. */
function eventsOf(site: string, sessions: readonly PlannedSession[]): ForwardEvent[][] {
  return sessions.map((planned, index) => {
    const owner = planned.visitor ?? `s${index}`;
    const agent = AGENTS[owner.charCodeAt(owner.length - 1) % AGENTS.length]!;
    return planned.views.map((view, step) => {
      // A session starts with a page: its entry page.
      const kind = step === 0 ? 'pageview' : view.kind;
      return forwardEvent({
        eventId: `${site}-${index}-${step}`,
        kind,
        name: kind === 'event' ? 'signup' : 'pageview',
        url: `https://${site}${view.path}`,
        referrer: undefined,
        sessionId: `s${index}`,
        sessionStartedAt: planned.oldCookie ? '2026-11-20T08:00:00.000Z' : `${DAY}T09:00:00.000Z`,
        visitorId: planned.visitor,
        requestFingerprint: planned.fingerprint,
        userAgent: agent.ua,
        country: owner.length % 2 === 0 ? 'DE' : 'FR',
        gpc: planned.gpc,
        at: new Date(Date.parse(`${DAY}T10:00:00.000Z`) + index * 120_000 + step * 10_000).toISOString(),
      });
    });
  });
}

/** The earlier visit an old cookie implies (the day it was set), so the generated world is consistent. */
function earlierVisits(streams: readonly ForwardEvent[][], sessions: readonly PlannedSession[]): ForwardEvent[] {
  return sessions.flatMap((planned, index) => (planned.oldCookie ? [{ ...streams[index]![0]!, eventId: `${streams[index]![0]!.eventId}-earlier`, kind: 'pageview' as const, name: 'pageview', at: '2026-11-20T08:00:00.000Z' }] : []));
}

/** Interleaves the sessions' streams in the order `picks` gives (each stream keeps its own order). */
function interleave(streams: readonly ForwardEvent[][], picks: readonly number[]): ForwardEvent[] {
  const next = streams.map(() => 0);
  const out: ForwardEvent[] = [];
  for (const pick of picks) out.push(streams[pick]![next[pick]!]!), (next[pick]! += 1);
  return out;
}

const withSite = (events: readonly ForwardEvent[], from: string, to: string) => events.map((event) => ({ ...event, eventId: event.eventId.replace(from, to), url: event.url?.replace(from, to) }));

describe('aggregateBatch() under redelivery and any batch cut', () => {
  const db = useDynaliteTable();
  let sequence = 0;
  const statsOf = async (site: string) => {
    // `latestEventAt` is the "catching up" hint of the last batch written, not a count: left out.
    const { site: _site, sites: _sites, latestEventAt: _latest, ...stats } = await readStats(db().table, parseStatsQuery(new URLSearchParams(`site=${site}&from=${DAY}&to=${DAY}`), NOW));
    return stats;
  };

  it('counts the same as each event once, in time order', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(session, { minLength: 1, maxLength: 5 }).chain((sessions) => {
          const slots = sessions.flatMap((planned, index) => planned.views.map(() => index));
          return fc.record({
            sessions: fc.constant(sessions),
            picks: fc.shuffledSubarray(slots, { minLength: slots.length, maxLength: slots.length }),
            redeliveries: fc.array(fc.record({ index: fc.nat(), later: fc.nat({ max: 8 }) }), { maxLength: 6 }),
            cuts: fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 8 }),
            journaled: fc.boolean(),
          });
        }),
        async ({ sessions, picks, redeliveries, cuts, journaled }) => {
          sequence += 1;
          const reference = `once${sequence}.example`;
          const site = `cut${sequence}.example`;
          const streams = eventsOf(site, sessions);
          // The reference: every event once, in time order, one at a time.
          const once = withSite(streams.flat(), site, reference).sort((a, b) => a.at.localeCompare(b.at));
          const store = dynamoAggregateStore(db().table);
          const earlier = earlierVisits(streams, sessions);
          if (earlier.length > 0) {
            expect((await aggregateBatch(earlier, { store, now: () => NOW, log })).size).toBe(0);
            expect((await aggregateBatch(withSite(earlier, site, reference), { store, now: () => NOW, log })).size).toBe(0);
          }
          for (const event of once) expect((await aggregateBatch([event], { store, now: () => NOW, log })).size).toBe(0);
          // The same day delivered at least once: interleaved, some events again later, cut anywhere.
          const delivered = interleave(streams, picks);
          for (const { index, later } of redeliveries) {
            const at = index % delivered.length;
            delivered.splice(Math.min(delivered.length, at + 1 + later), 0, delivered[at]!);
          }
          let entry: JournalEntry | undefined;
          const aggregate = journaled
            ? journaledAggregator(db().table, { read: () => entry, write: (next) => void (entry = next) }, { now: () => NOW, log })
            : (events: readonly ForwardEvent[]) => aggregateBatch(events, { store: dynamoAggregateStore(db().table), now: () => NOW, log });
          for (let start = 0, cut = 0; start < delivered.length; cut += 1) {
            const size = cuts[cut % cuts.length]!;
            expect((await aggregate(delivered.slice(start, start + size))).size).toBe(0);
            start += size;
          }
          expect(await statsOf(site)).toEqual(await statsOf(reference));
        },
      ),
      {
        numRuns: 60,
        examples: [
          // Found by this property: two GPC sessions and two without GPC of one visitor in one local batch (a race in the journaled store's visitor claims).
          [
            {
              sessions: [
                { visitor: 'vb', fingerprint: 'fa', gpc: true, oldCookie: false, views: [{ kind: 'pageview', path: '/b' }] },
                { visitor: 'vb', fingerprint: 'fb', gpc: true, oldCookie: false, views: [{ kind: 'event', path: '/a' }, { kind: 'pageview', path: '/b' }] },
                { visitor: 'vb', fingerprint: 'fa', gpc: false, oldCookie: false, views: [{ kind: 'event', path: '/b' }] },
                { visitor: 'va', fingerprint: 'fb', gpc: true, oldCookie: false, views: [{ kind: 'event', path: '/' }] },
                { visitor: 'vb', fingerprint: 'fa', gpc: false, oldCookie: false, views: [{ kind: 'pageview', path: '/a' }] },
              ],
              picks: [3, 1, 4, 0, 2, 1],
              redeliveries: [],
              cuts: [1, 4],
              journaled: true,
            },
          ],
        ],
      },
    );
  });
});
