import type { ForwardEvent } from '../forwarding/event';
import { add, HOURLY, PREFIXES, TOTALS, type Increments } from './counters';
import { realtimeIncrements } from './realtime';
import { agentOf, countryOf, dayOf, externalReferrer, pagePath, shortHash, siteOf, utmOf } from './dimensions';

/**
 * How long a marker lives after it was last claimed: the queue keeps a message 4 days and the
 * dead-letter queue 14, so a redelivery or re-drive comes at most 18 days after a claim; markers
 * outlive that, so a redelivered event always finds its marker, however old the event itself is.
 */
export const MARKER_RETENTION_DAYS = 22;

/** One event as the aggregation counts it (nothing personal: ids are hashed). */
export interface CountedEvent {
  readonly eventId: string;
  /** Hash of the event id: the marker's idempotency set member. */
  readonly eventHash: string;
  readonly kind: ForwardEvent['kind'];
  readonly at: string;
  readonly path?: string;
  /** Hash of the path: the marker's set of pages this session was counted on. */
  readonly pageHash?: string;
  readonly referrer?: string;
  readonly campaign?: string;
  readonly source?: string;
  /** Custom event name. */
  readonly name?: string;
  readonly gpc: boolean;
  readonly userAgent?: string;
  readonly country?: string;
  /** The URL whose unique-session hit counter this event adds one to (ForwardEvent.hit). */
  readonly hit?: string;
}

/** The events of one session on one site and UTC day: one marker write covers them all. */
export interface SessionGroup {
  readonly site: string;
  readonly day: string;
  readonly sessionHash: string;
  /** Hash of the first visitorId the group's events carry. */
  readonly visitorHash?: string;
  /** UTC day the session's cookie was set (its `sessionStartedAt`), when the events say. */
  readonly cookieDay?: string;
  /**
   * The device key returning-device recognition may use (docs/data-model.md, "Returning devices"):
   * the visitorId's hash, else the request fingerprint's. Absent when any event of the group sent
   * GPC or the session carries neither (no consent): such sessions are left out of it entirely.
   */
  readonly device?: { readonly kind: 'visitorId' | 'fingerprint'; readonly hash: string };
  readonly events: readonly CountedEvent[];
}

export type SkipReason = 'no_site' | 'no_session';

export interface AggregationPlan {
  readonly groups: readonly SessionGroup[];
  /** Events the aggregates never count (activity rows have no page, say); they do not fail. */
  readonly skipped: readonly { readonly eventId: string; readonly reason: SkipReason }[];
}

const isPage = (kind: ForwardEvent['kind']) => kind === 'pageview' || kind === 'request';

/** The UTC hour of an ISO time, `00` to `23`. */
const hourOf = (at: string): string => new Date(Date.parse(at)).toISOString().slice(11, 13);

/** The event recorded first (a batch is not always in time order). */
function earliest(events: readonly CountedEvent[]): CountedEvent | undefined {
  return events.reduce<CountedEvent | undefined>((first, event) => (first === undefined || event.at < first.at ? event : first), undefined);
}

function counted(event: ForwardEvent, site: string): CountedEvent {
  const page = isPage(event.kind) ? pagePath(event.url) : undefined;
  const utm = isPage(event.kind) ? utmOf(event.url) : {};
  return {
    eventId: event.eventId,
    eventHash: shortHash(event.eventId, 12),
    kind: event.kind,
    at: event.at,
    path: page,
    pageHash: page === undefined ? undefined : shortHash(page, 12),
    referrer: event.kind === 'pageview' ? externalReferrer(event.referrer, site) : undefined,
    campaign: utm.campaign,
    source: utm.source,
    name: event.kind === 'event' ? event.name.slice(0, 200) : undefined,
    gpc: event.gpc,
    userAgent: event.userAgent,
    country: event.country,
    ...(event.hit === undefined ? {} : { hit: event.hit }),
  };
}

/**
 * Groups a batch's events by (site, UTC day, session), dropping duplicate event ids and the events
 * the aggregates do not count: activity rows and anything without a page URL (no site) and events
 * without a session. Old events are counted on their own day: markers live MARKER_RETENTION_DAYS
 * after their last claim, longer than any redelivery can come.
 * @example const { groups, skipped } = planAggregation(events)
 */
export function planAggregation(events: readonly ForwardEvent[]): AggregationPlan {
  const groups = new Map<
    string,
    { site: string; day: string; sessionHash: string; visitorHash?: string; cookieDay?: string; fingerprintHash?: string; gpc: boolean; events: CountedEvent[] }
  >();
  const skipped: { eventId: string; reason: SkipReason }[] = [];
  const seen = new Set<string>();
  for (const event of events) {
    if (seen.has(event.eventId)) continue;
    seen.add(event.eventId);
    const site = event.kind === 'activity' ? undefined : siteOf(event.url);
    const day = dayOf(event.at);
    if (site === undefined || day === undefined) {
      skipped.push({ eventId: event.eventId, reason: 'no_site' });
      continue;
    }
    if (event.sessionId === undefined || event.sessionId.length === 0) {
      skipped.push({ eventId: event.eventId, reason: 'no_session' });
      continue;
    }
    const sessionHash = shortHash(`${site}\n${event.sessionId}`, 22);
    const key = `${site}\n${day}\n${sessionHash}`;
    let group = groups.get(key);
    if (group === undefined) {
      group = { site, day, sessionHash, gpc: false, events: [] };
      groups.set(key, group);
    }
    if (group.visitorHash === undefined && event.visitorId !== undefined && event.visitorId.length > 0) {
      group.visitorHash = shortHash(`${site}\n${event.visitorId}`, 22);
    }
    if (group.fingerprintHash === undefined && event.requestFingerprint !== undefined && event.requestFingerprint.length > 0) {
      group.fingerprintHash = shortHash(`${site}\nfp\n${event.requestFingerprint}`, 22);
    }
    if (group.cookieDay === undefined && event.sessionStartedAt !== undefined) group.cookieDay = dayOf(event.sessionStartedAt);
    if (event.gpc) group.gpc = true;
    group.events.push(counted(event, site));
  }
  return {
    groups: [...groups.values()].map(({ gpc, fingerprintHash, ...group }) => {
      const device = gpc
        ? undefined
        : group.visitorHash !== undefined
          ? { kind: 'visitorId' as const, hash: group.visitorHash }
          : fingerprintHash === undefined
            ? undefined
            : { kind: 'fingerprint' as const, hash: fingerprintHash };
      return device === undefined ? group : { ...group, device };
    }),
    skipped,
  };
}

/** What the session marker (and, when asked, the visitor marker) said before this batch's claim. */
export interface ClaimOutcome {
  /** The session had no marker for the day: its first counted events. */
  readonly newSession: boolean;
  /** Event hashes already counted (a redelivery): those events add nothing. */
  readonly countedEvents: ReadonlySet<string>;
  /** Page hashes this session was already counted on that day. */
  readonly countedPages: ReadonlySet<string>;
  /** Set when the visitor marker was claimed for this group: true when it was new. */
  readonly newVisitor?: boolean;
  /** Set with newVisitor: the visitor marker already had a session that may be used for returning devices (no GPC). */
  readonly visitorDeviceSeen?: boolean;
  /** The session's last active minute (`HHMM`) that day before this claim, when its marker had one (realtime.ts). */
  readonly lastMinute?: string;
  /** Set when a new session with a new cookie was recognised as a device seen in an earlier session (returning.ts). */
  readonly recognisedBy?: 'visitorId' | 'fingerprint';
}

export interface GroupCount {
  readonly increments: Increments;
  /** The group's events this claim counts (not counted before). */
  readonly fresh: readonly CountedEvent[];
  /** Page hashes this claim added to the marker (to take back if the counters cannot be written). */
  readonly newPageHashes: readonly string[];
  /** Hit counter increments per URL: one per fresh event that counts a unique-session hit. */
  readonly hits: ReadonlyMap<string, number>;
}

/**
 * The counter increments one session group adds, given what its markers said: events already
 * counted add nothing; a page counts one session the first time; the visitor counts once a day
 * (by visitorId when the session's first events carry one, else as its own visitor), with its
 * browser, OS, device type and country, and the hour of its first event. A new session also counts
 * its entry page (its earliest page) and, when it may (a device key, no GPC), whether it is a
 * returning device: by its cookie set on an earlier day, else as `claim.recognisedBy` says. With
 * `now`, a recently active session also moves its realtime minute counter (realtime.ts).
 * @example const { increments } = countGroup(group, { newSession: true, countedEvents: new Set(), countedPages: new Set(), newVisitor: true })
 */
export function countGroup(group: SessionGroup, claim: ClaimOutcome, now?: Date): GroupCount {
  const increments: Increments = new Map();
  const fresh = group.events.filter((event) => !claim.countedEvents.has(event.eventHash));
  // A redelivery (nothing fresh) moves nothing: the first delivery did.
  if (now !== undefined && fresh.length > 0) realtimeIncrements(group, claim, now, increments);
  const newPageHashes: string[] = [];
  const hits = new Map<string, number>();
  for (const event of fresh) {
    if (event.hit !== undefined) hits.set(event.hit, (hits.get(event.hit) ?? 0) + 1);
    if (event.gpc) add(increments, TOTALS.gpc);
    if (isPage(event.kind) && event.path !== undefined) add(increments, HOURLY.pageviews + hourOf(event.at));
    if (event.kind === 'event' && event.name !== undefined) {
      add(increments, TOTALS.events);
      add(increments, PREFIXES.events + event.name);
    }
    if (!isPage(event.kind) || event.path === undefined || event.pageHash === undefined) continue;
    add(increments, TOTALS.pageviews);
    add(increments, PREFIXES.pages + event.path);
    if (!claim.countedPages.has(event.pageHash) && !newPageHashes.includes(event.pageHash)) {
      newPageHashes.push(event.pageHash);
      add(increments, PREFIXES.pageSessions + event.path);
    }
    if (event.referrer !== undefined) add(increments, PREFIXES.referrers + event.referrer);
    if (event.campaign !== undefined) add(increments, PREFIXES.campaigns + event.campaign);
    if (event.source !== undefined) add(increments, PREFIXES.sources + event.source);
  }
  if (claim.newSession && fresh.length > 0) {
    add(increments, TOTALS.sessions);
    const entry = earliest(fresh.filter((event) => isPage(event.kind) && event.path !== undefined));
    if (entry !== undefined) add(increments, PREFIXES.entries + entry.path!);
    if (group.device !== undefined) {
      if (group.cookieDay !== undefined && group.cookieDay < group.day) add(increments, TOTALS.returningByCookie);
      else if (claim.recognisedBy === 'visitorId') add(increments, TOTALS.returningByVisitorId);
      else if (claim.recognisedBy === 'fingerprint') add(increments, TOTALS.returningByFingerprint);
    }
    // A session whose first events carry a visitorId counts only if that visitor is new today.
    const visitorIsNew = group.visitorHash === undefined ? true : claim.newVisitor === true;
    if (visitorIsNew) {
      const first = fresh.find((event) => event.userAgent !== undefined) ?? fresh[0]!;
      const agent = agentOf(first.userAgent);
      add(increments, TOTALS.visitors);
      add(increments, HOURLY.visitors + hourOf(earliest(fresh)!.at));
      add(increments, PREFIXES.browsers + agent.browser);
      add(increments, PREFIXES.os + agent.os);
      add(increments, PREFIXES.devices + agent.device);
      add(increments, PREFIXES.countries + countryOf(fresh.find((event) => event.country !== undefined)?.country));
    }
  }
  return { increments, fresh, newPageHashes, hits };
}
