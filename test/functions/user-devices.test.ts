import { randomUUID } from 'node:crypto';
import { call, collectJson, sessionFrom, useLocalStack } from '../helpers/local-stack';

interface Device {
  kind: 'browser' | 'request';
  id: string;
  firstSeen: string;
  lastSeen: string;
  country?: string;
  browser?: { name?: string };
  os?: { name?: string };
  deviceType?: string;
}

/** Three browsers of one person: what the seed app wanted to know ("which and how many devices, where from"). */
const BROWSERS = [
  {
    visitorId: 'visitorLinuxChrome',
    country: 'DE',
    headers: { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36', 'accept-language': 'de-DE,de;q=0.9' },
    expected: { browser: 'Chrome', os: 'Linux', deviceType: 'desktop' },
  },
  {
    visitorId: 'visitorIphoneSafari',
    country: 'FR',
    headers: { 'user-agent': 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1', 'accept-language': 'fr-FR' },
    expected: { browser: 'Mobile Safari', os: 'iOS', deviceType: 'mobile' },
  },
  {
    visitorId: 'visitorAndroidFirefox',
    country: 'ES',
    headers: { 'user-agent': 'Mozilla/5.0 (Android 14; Mobile; rv:133.0) Gecko/133.0 Firefox/133.0', 'accept-language': 'es-ES' },
    expected: { browser: 'Firefox', os: 'Android', deviceType: 'mobile' },
  },
];

describe('GET /v1/users/{userId}/devices', () => {
  const stack = useLocalStack();
  const admin = () => ({ authorization: `Bearer ${stack().env.EDGEPRINT_API_KEY}` });

  async function devicesOf(userId: string, query = ''): Promise<{ devices: Device[]; cursor?: string }> {
    const response = await call(stack(), `/v1/users/${encodeURIComponent(userId)}/devices${query}`, { headers: admin() });
    expect(response.status).toBe(200);
    return (await response.json()) as { devices: Device[]; cursor?: string };
  }

  async function link(userId: string, sessionId: string): Promise<void> {
    const response = await call(stack(), '/v1/sessions/link', { method: 'POST', body: JSON.stringify({ userId, sessionId }), headers: { 'content-type': 'application/json', ...admin() } });
    expect(response.status).toBe(200);
  }

  it('lists each browser and request fingerprint of the user\'s sessions with browser, OS, device type and country', async () => {
    const userId = `devices-${randomUUID().slice(0, 8)}`;
    for (const browser of BROWSERS) {
      const visit = await collectJson(stack(), { id: browser.visitorId, url: `${stack().url}/devices/${randomUUID()}` }, { headers: { ...browser.headers, 'cloudfront-viewer-country': browser.country } });
      expect(visit.status).toBe(204);
      await link(userId, sessionFrom(visit) as string);
    }
    const { devices, cursor } = await devicesOf(userId);
    expect(cursor).toBeUndefined();
    expect(devices).toHaveLength(6);
    for (const browser of BROWSERS) {
      const forBrowser = devices.filter((device) => device.browser?.name === browser.expected.browser);
      expect(forBrowser.map((device) => device.kind).sort()).toEqual(['browser', 'request']);
      for (const device of forBrowser) {
        expect(device).toMatchObject({ country: browser.country, os: expect.objectContaining({ name: browser.expected.os }), deviceType: browser.expected.deviceType });
      }
      expect(forBrowser.find((device) => device.kind === 'browser')?.id).toBe(browser.visitorId);
    }
  });

  it('keeps the list current as a linked session records more, without another link', async () => {
    const userId = `current-${randomUUID().slice(0, 8)}`;
    const first = await collectJson(stack(), { id: 'visitorBefore', url: `${stack().url}/current/1` });
    const sessionId = sessionFrom(first) as string;
    await link(userId, sessionId);
    const before = await devicesOf(userId);
    await new Promise((resolve) => setTimeout(resolve, 5));
    // The same session later reports a new visitorId (another browser profile, say) from the same network.
    expect((await collectJson(stack(), { id: 'visitorAfter', url: `${stack().url}/current/2` }, { session: sessionId })).status).toBe(204);
    const after = await devicesOf(userId);
    expect(after.devices.map((device) => device.id)).toEqual(expect.arrayContaining(['visitorBefore', 'visitorAfter']));
    const request = (list: Device[]) => list.find((device) => device.kind === 'request') as Device;
    expect(request(after.devices).firstSeen).toBe(request(before.devices).firstSeen);
    expect(request(after.devices).lastSeen > request(before.devices).lastSeen).toBe(true);
  });

  it('pages with limit and cursor, every device once', async () => {
    const userId = `paged-devices-${randomUUID().slice(0, 8)}`;
    for (const browser of BROWSERS) {
      const visit = await collectJson(stack(), { id: browser.visitorId, url: `${stack().url}/paged-devices/${randomUUID()}` }, { headers: browser.headers });
      await link(userId, sessionFrom(visit) as string);
    }
    const ids: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await devicesOf(userId, `?limit=4${cursor === undefined ? '' : `&cursor=${cursor}`}`);
      ids.push(...page.devices.map((device) => `${device.kind}:${device.id}`));
      cursor = page.cursor;
    } while (cursor !== undefined && ids.length < 20);
    expect(ids).toHaveLength(6);
    expect(new Set(ids).size).toBe(6);
  });

  it('refuses a cursor of the sessions list, and a caller without the key', async () => {
    const sessionsCursor = Buffer.from(JSON.stringify({ v: 1, a: 'AbCdEfGhIjKlMnOpQrStUv' })).toString('base64url');
    expect((await call(stack(), `/v1/users/u/devices?cursor=${sessionsCursor}`, { headers: admin() })).status).toBe(400);
    const unauthorized = await call(stack(), '/v1/users/u/devices', { headers: { 'x-api-key': 'guess-guess-guess-guess' } });
    expect(unauthorized.status).toBe(401);
    expect(await unauthorized.json()).toEqual({ error: { code: 'unauthorized', message: 'Authentication failed' } });
  });
});
