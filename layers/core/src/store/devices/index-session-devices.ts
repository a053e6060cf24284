import type { DeviceKind, DeviceSighting } from '../../domain/devices';
import type { TableContext } from '../client';
import { ItemType } from '../keys';
import { listSessionItems } from '../sessions/list-session-items';
import { sessionFirstRecord } from '../sessions/session-item';
import { touchDevices } from './touch-devices';

/**
 * The devices a session's stored records show, merged per device (earliest and latest time, the
 * latest user agent and country). Reads the session item's embedded first record too.
 */
export function sightingsOfItems(items: readonly Record<string, unknown>[]): DeviceSighting[] {
  const merged = new Map<string, DeviceSighting>();
  const add = (kind: DeviceKind, id: unknown, record: Record<string, unknown>, version?: unknown) => {
    if (typeof id !== 'string' || id.length === 0 || typeof record.at !== 'string') return;
    const headers = (record.headers ?? {}) as Record<string, unknown>;
    const sighting: DeviceSighting = {
      kind,
      id,
      firstSeen: record.at,
      lastSeen: record.at,
      userAgent: typeof headers['user-agent'] === 'string' ? headers['user-agent'] : undefined,
      country: typeof record.country === 'string' ? record.country : undefined,
      version: typeof version === 'number' ? version : undefined,
    };
    const key = `${kind}#${id}`;
    const known = merged.get(key);
    if (known === undefined) merged.set(key, sighting);
    else {
      const later = sighting.lastSeen > known.lastSeen ? sighting : known;
      merged.set(key, { ...later, firstSeen: known.firstSeen < sighting.firstSeen ? known.firstSeen : sighting.firstSeen });
    }
  };
  for (const item of items) {
    const records = item.type === ItemType.session ? [sessionFirstRecord(item)] : [ItemType.requestFingerprint, ItemType.browserEvent].includes(item.type as never) ? [item] : [];
    for (const record of records) {
      if (record === undefined || record === null || typeof record !== 'object') continue;
      const fields = record as Record<string, unknown>;
      add('request', fields.fp, fields, fields.fpv);
      add('browser', fields.visitorId, fields);
    }
  }
  return [...merged.values()];
}

/**
 * Brings a user's device items up to date with one session's records, when the session is linked:
 * one Query of the session plus one UpdateItem per distinct device. Returns the number of devices.
 * @example await indexSessionDevices(table, 'user-42', sessionId, 395) // 2
 */
export async function indexSessionDevices(table: TableContext, userId: string, sessionId: string, retentionDays: number): Promise<number> {
  const sightings = sightingsOfItems(await listSessionItems(table, sessionId));
  await touchDevices(table, userId, sightings, retentionDays);
  return sightings.length;
}
