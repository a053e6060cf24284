import { firstTouch } from '../../../../../layers/core/src/domain/attribution';
import { recordVisit } from '../../../../../layers/core/src/domain/record-visit';
import { indexSessionDevices, sightingsOfItems } from '../../../../../layers/core/src/store/devices/index-session-devices';
import { listUserDevices } from '../../../../../layers/core/src/store/devices/list-user-devices';
import { newSessionId } from '../../../../../layers/core/src/domain/session-id';
import type { VisitRecord } from '../../../../../layers/core/src/domain/records';
import { pageRecord, requestRecord, useDynaliteTable } from '../table-fixture';

describe('indexSessionDevices()', () => {
  const db = useDynaliteTable();

  async function store(record: VisitRecord, sessionIsNew: boolean): Promise<void> {
    await recordVisit(db().store, { record, sessionIsNew, firstTouch: firstTouch(record.url, undefined), debounceSeconds: 10, gate: { url: record.url, kind: 'page', countHit: true } });
  }

  it('merges a session\'s records (the session item\'s first one included) into one sighting per device', async () => {
    const sessionId = newSessionId();
    const first = requestRecord({ sessionId, at: new Date('2026-03-01T09:00:00.000Z') });
    await store(first, true);
    await store(pageRecord({ sessionId, at: new Date('2026-03-01T09:00:02.000Z') }), false);
    // Same browser, another network: another request fingerprint, the same visitorId.
    await store(pageRecord({ sessionId, at: new Date('2026-03-01T09:30:00.000Z'), url: 'https://site.example/other', fingerprint: { id: 'fpOtherNetwork00000000', version: 1 } }), false);
    // A GPC-anonymous record shows no device.
    await store(pageRecord({ sessionId, at: new Date('2026-03-01T10:00:00.000Z'), url: 'https://site.example/gpc', visitorId: undefined, fingerprint: undefined, signals: undefined, gpc: true }), false);
    expect(await indexSessionDevices(db().table, 'idx-user', sessionId, 395)).toBe(3);
    const devices = (await listUserDevices(db().table, 'idx-user', { limit: 10 })).items;
    const byKey = Object.fromEntries(devices.map((device) => [`${device.kind}:${device.id}`, device]));
    expect(byKey['browser:x8Yq2mZ4TcR9vB1nL6wK']).toMatchObject({ firstSeen: '2026-03-01T09:00:02.000Z', lastSeen: '2026-03-01T09:30:00.000Z', country: 'DE' });
    // The redirect navigation and the beacon share the stable headers, so one request fingerprint spans both.
    expect(byKey[`request:${first.fingerprint?.id}`]).toMatchObject({ firstSeen: '2026-03-01T09:00:00.000Z', lastSeen: '2026-03-01T09:00:02.000Z', version: 1 });
    expect(byKey['request:fpOtherNetwork00000000']).toMatchObject({ firstSeen: '2026-03-01T09:30:00.000Z', lastSeen: '2026-03-01T09:30:00.000Z' });
    expect(devices).toHaveLength(3);
  });

  it('finds no devices in an unknown session and writes nothing', async () => {
    expect(await indexSessionDevices(db().table, 'nobody', newSessionId(), 395)).toBe(0);
    expect((await listUserDevices(db().table, 'nobody', { limit: 10 })).items).toEqual([]);
  });

  it('ignores items that are not records', () => {
    expect(sightingsOfItems([{ type: 'view_marker', fp: 'x', at: '2026-03-01T00:00:00.000Z' }, { type: 'activity', at: 'x' }])).toEqual([]);
  });
});
