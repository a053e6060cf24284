import type { TableContext } from '../store/client';
import { sightingsOfItems } from '../store/devices/index-session-devices';
import { deleteItems } from '../store/items/delete-items';
import { getExistingKeys } from '../store/items/get-existing-keys';
import { ItemType, keys, type TableKey } from '../store/keys';
import { listSessionItems } from '../store/sessions/list-session-items';
import { listUserIndex } from '../store/users/list-user-index';
import { listUserItems } from '../store/users/list-user-items';

/**
 * What an erasure removed, per item type. `link` counts user-session links (they live on the
 * session item, so a linked session counts as one `session` and one `link`). Every key is present,
 * so a repeated erasure answers zeros.
 */
export type ErasureCounts = Record<ErasureType, number>;

export const ERASURE_TYPES = [
  ItemType.session,
  'link',
  ItemType.requestFingerprint,
  ItemType.browserEvent,
  ItemType.viewMarker,
  ItemType.activity,
  ItemType.device,
] as const;
export type ErasureType = (typeof ERASURE_TYPES)[number];

function emptyCounts(): ErasureCounts {
  return Object.fromEntries(ERASURE_TYPES.map((type) => [type, 0])) as ErasureCounts;
}

/** Collects keys to delete, each once, and counts them by type. */
class Erasure {
  readonly counts = emptyCounts();
  private readonly pending = new Map<string, TableKey>();

  add(key: TableKey, type: unknown): void {
    const id = `${key.pk}\u0000${key.sk}`;
    if (this.pending.has(id)) return;
    this.pending.set(id, { pk: key.pk, sk: key.sk });
    // Items without a known type (none are written today) are still deleted; they are counted nowhere.
    if (typeof type === 'string' && type in this.counts) this.counts[type as ErasureType] += 1;
  }

  async run(table: TableContext): Promise<ErasureCounts> {
    await deleteItems(table, [...this.pending.values()]);
    return this.counts;
  }
}

interface SessionCollection {
  readonly items: Record<string, unknown>[];
  readonly userId?: string;
}

/** One session's collection (session item, records, markers, activity) and its linked user. */
async function readSession(table: TableContext, sessionId: string): Promise<SessionCollection> {
  const items = await listSessionItems(table, sessionId);
  const session = items.find((item) => item.type === ItemType.session);
  const userId = typeof session?.userId === 'string' ? session.userId : undefined;
  return { items, userId };
}

function addSession(erasure: Erasure, collection: SessionCollection): void {
  for (const item of collection.items) erasure.add({ pk: String(item.pk), sk: String(item.sk) }, item.type);
  if (collection.userId !== undefined) erasure.counts.link += 1;
}

/**
 * GDPR art. 17 for one session: deletes its session item (and so its user link), request and
 * browser records, hit markers and activity rows (one Query of `S#<sessionId>`), and, when it was linked, the user's device items this session's records
 * show. Hit counters stay: they are aggregates without personal data. Query + BatchWriteItem
 * deletes (unprocessed items retried); a second call finds nothing and returns zeros.
 * @example await eraseSession(table, 'AbCdEfGhIjKlMnOpQrStUv') // { session: 1, link: 1, request_fingerprint: 2, … }
 */
export async function eraseSession(table: TableContext, sessionId: string): Promise<ErasureCounts> {
  const erasure = new Erasure();
  const collection = await readSession(table, sessionId);
  addSession(erasure, collection);
  const { userId, items } = collection;
  if (userId !== undefined) {
    const shown = new Set(sightingsOfItems(items).map((sighting) => keys.userDevice(userId, sighting.kind, sighting.id).sk));
    for (const item of await listUserItems(table, userId)) {
      if (item.type === ItemType.device && shown.has(String(item.sk))) erasure.add({ pk: String(item.pk), sk: String(item.sk) }, item.type);
    }
  }
  return erasure.run(table);
}

/**
 * GDPR art. 17 for one user: every linked session with all its items (as eraseSession), activity
 * rows carrying the user anywhere (found through gsi1, confirmed by a consistent read), the user's
 * own partition (device items). Hit counters stay.
 * Sessions linked a moment before may not be visible on gsi1 yet (eventually consistent): erase again
 * later when links are being created concurrently.
 * @example await eraseUser(table, 'user-42') // { session: 3, link: 3, activity: 7, device: 2, … }
 */
export async function eraseUser(table: TableContext, userId: string): Promise<ErasureCounts> {
  const erasure = new Erasure();
  const entries = await listUserIndex(table, userId);
  const sessionIds = [...new Set(entries.filter((entry) => entry.gsi1sk.startsWith('S#')).map((entry) => entry.gsi1sk.slice(2)))];
  const erasedPartitions = new Set<string>();
  for (const sessionId of sessionIds) {
    const collection = await readSession(table, sessionId);
    // The index may lag a forced re-link: a session that is another user's now keeps its data.
    if (collection.userId !== undefined && collection.userId !== userId) continue;
    addSession(erasure, collection);
    erasedPartitions.add(keys.session(sessionId).pk);
  }
  const loose = entries.filter((entry) => entry.gsi1sk.startsWith('ACT#') && !erasedPartitions.has(entry.key.pk)).map((entry) => entry.key);
  for (const item of await getExistingKeys(table, loose)) erasure.add(item, item.type);
  for (const item of await listUserItems(table, userId)) erasure.add({ pk: String(item.pk), sk: String(item.sk) }, item.type);
  return erasure.run(table);
}
