import type { DeviceSighting } from '../../../../../layers/core/src/domain/devices';
import { keys } from '../../../../../layers/core/src/store/keys';
import { touchDevices } from '../../../../../layers/core/src/store/devices/touch-devices';
import { createCapacityMeter } from '../../../../helpers/capacity';
import { useDynaliteTable } from '../table-fixture';

const UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

function sighting(id: string, at: string, overrides: Partial<DeviceSighting> = {}): DeviceSighting {
  return { kind: 'browser', id, firstSeen: at, lastSeen: at, userAgent: UA, country: 'DE', ...overrides };
}

describe('touchDevices()', () => {
  const meter = createCapacityMeter();
  const db = useDynaliteTable({ meter });

  it('creates a device item with first and last seen, the user agent, country and a TTL from lastSeen', async () => {
    await touchDevices(db().table, 'dev-user-1', [sighting('visitorA', '2026-03-01T10:00:00.000Z'), sighting('fpA', '2026-03-01T10:00:00.000Z', { kind: 'request', version: 1 })], 30);
    expect(await db().getItem(keys.userDevice('dev-user-1', 'browser', 'visitorA'))).toEqual({
      pk: 'USER#dev-user-1',
      sk: 'DEV#browser#visitorA',
      type: 'device',
      kind: 'browser',
      deviceId: 'visitorA',
      firstSeen: '2026-03-01T10:00:00.000Z',
      lastSeen: '2026-03-01T10:00:00.000Z',
      userAgent: UA,
      country: 'DE',
      expiresAt: Date.parse('2026-03-01T10:00:00.000Z') / 1000 + 30 * 86400,
    });
    expect(await db().getItem(keys.userDevice('dev-user-1', 'request', 'fpA'))).toMatchObject({ kind: 'request', deviceId: 'fpA', fpv: 1 });
  });

  it('moves lastSeen forward only and firstSeen back only, whatever order sightings arrive in', async () => {
    const key = keys.userDevice('dev-user-2', 'browser', 'visitorB');
    await touchDevices(db().table, 'dev-user-2', [sighting('visitorB', '2026-03-05T00:00:00.000Z')], 395);
    await touchDevices(db().table, 'dev-user-2', [sighting('visitorB', '2026-03-07T00:00:00.000Z', { country: 'FR' })], 395);
    // An older session linked later: extends firstSeen, leaves lastSeen and the latest country.
    await touchDevices(db().table, 'dev-user-2', [sighting('visitorB', '2026-03-01T00:00:00.000Z', { lastSeen: '2026-03-02T00:00:00.000Z', country: 'IT' })], 395);
    expect(await db().getItem(key)).toMatchObject({ firstSeen: '2026-03-01T00:00:00.000Z', lastSeen: '2026-03-07T00:00:00.000Z', country: 'FR' });
  });

  it('costs 1 write unit per device on a record of a linked session', async () => {
    await touchDevices(db().table, 'dev-user-3', [sighting('visitorC', '2026-03-01T10:00:00.000Z')], 395);
    const sample = await meter.measure(() =>
      touchDevices(db().table, 'dev-user-3', [sighting('visitorC', '2026-03-01T11:00:00.000Z'), sighting('fpC', '2026-03-01T11:00:00.000Z', { kind: 'request' })], 395),
    );
    expect(sample.writeUnits).toBe(2);
    expect(sample.operations.map((op) => op.operation)).toEqual(['UpdateItem', 'UpdateItem']);
  });
});
