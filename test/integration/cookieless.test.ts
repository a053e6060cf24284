import { randomUUID } from 'node:crypto';
import { call, collectJson, hitsFor, scanTable, useLocalStack } from '../helpers/local-stack';

const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0';

describe('cookieless mode (EDGEPRINT_PRIVACY_MODE=cookieless)', () => {
  const stack = useLocalStack({ env: { EDGEPRINT_PRIVACY_MODE: 'cookieless' }, trustProxy: true });
  const from = (ip: string, userAgent?: string) => ({ 'x-forwarded-for': ip, ...(userAgent === undefined ? {} : { 'user-agent': userAgent }) });

  async function sessionsAt(url: string): Promise<string[]> {
    return (await scanTable(stack())).filter((item) => item.type === 'view_marker' && item.url === url).map((item) => String(item.sessionId));
  }

  it('sets no cookie and gives one browser on one IP one session, told apart by IP and user agent', async () => {
    const page = `${stack().url}/cookieless/${randomUUID()}`;
    const answers = [
      await collectJson(stack(), { url: page }, { headers: from('203.0.113.10') }),
      await collectJson(stack(), { url: page }, { headers: from('203.0.113.10') }),
      await collectJson(stack(), { url: page }, { headers: from('203.0.113.11') }),
      await collectJson(stack(), { url: page }, { headers: from('203.0.113.10', FIREFOX) }),
    ];
    for (const answer of answers) {
      expect(answer.status).toBe(204);
      expect(answer.headers.getSetCookie()).toEqual([]);
    }
    expect(await hitsFor(stack(), [page])).toEqual({ [page]: 3 });
    expect(new Set(await sessionsAt(page)).size).toBe(3);
  });

  it('ignores an ep_sid cookie the browser still has, and the redirect page sets none', async () => {
    const page = `${stack().url}/cookieless/${randomUUID()}`;
    const planted = 'AAAAAAAAAAAAAAAAAAAAAA';
    expect((await collectJson(stack(), { url: page }, { session: planted, headers: from('198.51.100.20') })).status).toBe(204);
    expect(await sessionsAt(page)).not.toContain(planted);
    const redirect = await call(stack(), `/v1/r?next=${encodeURIComponent(page)}`, { headers: from('198.51.100.20') });
    expect(redirect.status).toBe(200);
    expect(redirect.headers.getSetCookie()).toEqual([]);
  });

  it('stores the day\'s random salt with a TTL 48 hours after its day began', async () => {
    const salts = (await scanTable(stack())).filter((item) => item.pk === 'SALT');
    expect(salts.length).toBeGreaterThan(0);
    for (const salt of salts) {
      expect(salt.expiresAt).toBe(Date.parse(`${String(salt.sk)}T00:00:00Z`) / 1000 + 48 * 3600);
      expect(Buffer.from(String(salt.salt), 'base64url').length).toBeGreaterThanOrEqual(16);
    }
  });

  it('files the activity log under the derived session, and links need the session id in the body', async () => {
    const path = `/cookieless-activity/${randomUUID()}`;
    const page = `${stack().url}${path}`;
    await collectJson(stack(), { url: page }, { headers: from('192.0.2.30') });
    const [sessionId] = await sessionsAt(page);
    const activity = await call(stack(), '/v1/activity', { method: 'POST', body: JSON.stringify({ date: '2026-03-01T10:00:00Z', path }), headers: { 'content-type': 'application/json', ...from('192.0.2.30') } });
    expect(activity.status).toBe(204);
    expect((await scanTable(stack())).find((item) => item.type === 'activity' && item.path === path)?.sessionId).toBe(sessionId);
    const admin = { authorization: `Bearer ${stack().env.EDGEPRINT_API_KEY}`, 'content-type': 'application/json' };
    const withoutSession = await call(stack(), '/v1/sessions/link', { method: 'POST', body: JSON.stringify({ userId: 'u' }), session: 'AAAAAAAAAAAAAAAAAAAAAA', headers: admin });
    expect(withoutSession.status).toBe(400);
    expect((await call(stack(), '/v1/sessions/link', { method: 'POST', body: JSON.stringify({ userId: 'u', sessionId }), headers: admin })).status).toBe(200);
  });
});
