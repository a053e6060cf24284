import { get } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { issueDashboardSession } from '../../layers/core/src/auth/dashboard-session';
import { call, collectJson, useLocalStack, type FetchOptions } from '../helpers/local-stack';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

/** `/dashboard` (sign-in, sign-out, the page) and `/dashboard/{file}` (assets, stats.json) on the local stack. */
describe('the dashboard routes', () => {
  const stack = useLocalStack({ env: { EDGEPRINT_DEBOUNCE_SECONDS: '0' } });
  const apiKey = () => stack().env.EDGEPRINT_API_KEY!;

  async function signIn(key = apiKey()): Promise<Response> {
    return call(stack(), '/dashboard', { method: 'POST', body: new URLSearchParams({ key }).toString(), headers: FORM });
  }

  async function sessionCookie(): Promise<string> {
    const response = await signIn();
    const cookie = response.headers.getSetCookie().find((value) => value.startsWith('ep_dash='));
    if (cookie === undefined) throw new Error('no session cookie');
    return cookie.split(';')[0]!;
  }

  const withCookie = (cookie: string, options: FetchOptions = {}): FetchOptions => ({ ...options, headers: { ...options.headers, cookie } });

  describe('dashboard()', () => {
    it('shows the sign-in form, with a strict CSP and no script at all, to a visitor without a session', async () => {
      const response = await call(stack(), '/dashboard');
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(response.headers.get('x-frame-options')).toBe('DENY');
      const csp = response.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain('script-src');
      expect(csp).not.toContain('unsafe');
      const html = await response.text();
      expect(html).toContain('<form method="post" action="dashboard"');
      expect(html).toContain('name="key" type="password"');
      expect(html).not.toContain('<script');
      expect(html).not.toMatch(/ style=|<style/);
    });

    it('exchanges the API key for an HttpOnly, SameSite=Strict session cookie of an hour, scoped to the dashboard', async () => {
      const response = await signIn();
      expect(response.status).toBe(303);
      expect(response.headers.get('location')).toBe('/dashboard');
      const cookie = response.headers.getSetCookie().find((value) => value.startsWith('ep_dash='));
      expect(cookie).toMatch(/^ep_dash=v1\.\d+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+; Max-Age=3600; Path=\/dashboard; HttpOnly; SameSite=Strict$/);
      expect(cookie).not.toContain(apiKey());
    });

    it.each([
      ['a wrong key', new URLSearchParams({ key: 'not-the-api-key-0123456789' }).toString()],
      ['an empty key', 'key='],
      ['no key', 'other=1'],
      ['the key in another field', new URLSearchParams({ password: 'x' }).toString()],
    ])('refuses %s with 401 and the same words, and sets no cookie', async (_case, body) => {
      const response = await call(stack(), '/dashboard', { method: 'POST', body, headers: FORM });
      expect(response.status).toBe(401);
      expect(response.headers.getSetCookie()).toEqual([]);
      const html = await response.text();
      expect(html).toContain('Sign-in failed. Check the API key and try again.');
      // Word for word the page every refused key gets.
      expect(html).toBe(await (await signIn('not-the-api-key-0123456789')).text());
    });

    it('answers a form it cannot read with a 4xx page, never a 5xx', async () => {
      const big = await call(stack(), '/dashboard', { method: 'POST', body: `key=${'a'.repeat(5000)}`, headers: FORM });
      expect(big.status).toBe(413);
      const odd = await call(stack(), '/dashboard', { method: 'POST', body: 'key=x', headers: { 'content-type': 'application/xml' } });
      expect(odd.status).toBe(415);
      const broken = await call(stack(), '/dashboard', { method: 'POST', body: '{"key":', headers: { 'content-type': 'application/json' } });
      expect(broken.status).toBe(400);
      for (const response of [big, odd, broken]) expect(await response.text()).toContain('The form could not be read.');
      expect((await call(stack(), '/dashboard', { method: 'DELETE' })).status).toBe(405);
    });

    it('shows the dashboard to a signed-in admin: its own script and stylesheet only, no inline code', async () => {
      const response = await call(stack(), '/dashboard', withCookie(await sessionCookie()));
      expect(response.status).toBe(200);
      const csp = response.headers.get('content-security-policy') ?? '';
      expect(csp).toContain(`script-src ${stack().url}/dashboard/app.js;`);
      expect(csp).toContain(`style-src ${stack().url}/dashboard/app.css;`);
      expect(csp).toContain("connect-src 'self'");
      expect(csp).not.toContain('unsafe');
      const html = await response.text();
      expect(html).toContain('<script defer src="dashboard/app.js"></script>');
      expect(html.match(/<script/g)).toHaveLength(1);
      expect(html).not.toMatch(/ on[a-z]+=|<style| style=/);
      expect(html).toContain('id="chart"');
      // Nothing is loaded from another origin: every src and href is relative (or data:).
      const references = [...html.matchAll(/(?:src|href)="([^"]*)"/g)].map((match) => match[1]!);
      expect(references.length).toBeGreaterThan(2);
      expect(references.filter((reference) => /^(https?:)?\/\//.test(reference))).toEqual([]);
    });

    it('treats an expired and a forged session alike: the sign-in form, saying the session ended', async () => {
      const expired = issueDashboardSession({ secret: stack().env.EDGEPRINT_SECRET!, apiKey: apiKey(), now: new Date(Date.now() - 2 * 3600_000) });
      const forged = issueDashboardSession({ secret: 'another-secret-of-enough-length', apiKey: apiKey(), now: new Date() });
      const pages = await Promise.all([expired, forged, 'garbage'].map((token) => call(stack(), '/dashboard', withCookie(`ep_dash=${token}`)).then((response) => response.text())));
      for (const html of pages) {
        expect(html).toContain('Your dashboard session has ended. Sign in again.');
        expect(html).not.toContain('<script');
      }
      expect(new Set(pages.map((html) => html.length)).size).toBe(1);
    });

    it('signs out: the cookie is cleared', async () => {
      const response = await call(stack(), '/dashboard', withCookie(await sessionCookie(), { method: 'POST', body: 'action=logout', headers: FORM }));
      expect(response.status).toBe(303);
      expect(response.headers.getSetCookie()).toEqual(['ep_dash=; Max-Age=0; Path=/dashboard; HttpOnly; SameSite=Strict']);
    });
  });

  describe('dashboardFiles()', () => {
    it('serves the built script and stylesheet, gzipped when asked, revalidated by ETag', async () => {
      const plain = await call(stack(), '/dashboard/app.js');
      expect(plain.status).toBe(200);
      expect(plain.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
      expect(plain.headers.get('cache-control')).toBe('no-cache');
      const script = await plain.text();
      expect(script).toContain('stats.json');
      const zipped = await fetch(`${stack().url}/dashboard/app.js`, { headers: { 'accept-encoding': 'gzip' } });
      // fetch decodes gzip itself; the header says it was sent compressed.
      expect(zipped.headers.get('content-encoding')).toBe('gzip');
      expect(await zipped.text()).toBe(script);
      const etag = plain.headers.get('etag')!;
      expect((await call(stack(), '/dashboard/app.js', { headers: { 'if-none-match': etag } })).status).toBe(304);
      const css = await call(stack(), '/dashboard/app.css');
      expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
      expect(await css.text()).toContain('.uplot');
      const raw = await new Promise<Buffer>((resolve, reject) => {
        get(`${stack().url}/dashboard/app.css`, { headers: { 'accept-encoding': 'gzip' } }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => resolve(Buffer.concat(chunks)));
        }).on('error', reject);
      });
      expect(gunzipSync(raw).toString('utf8')).toBe(await (await call(stack(), '/dashboard/app.css')).text());
    });

    it('answers 404 for any other file', async () => {
      for (const path of ['/dashboard/app.ts', '/dashboard/..%2Fpackage.json', '/dashboard/stats', '/dashboard/app.js.map']) {
        expect((await call(stack(), path)).status).toBe(404);
      }
    });

    it('gives stats.json to a signed-in admin only, and the same 401 to everyone else', async () => {
      await collectJson(stack(), { id: 'dashVisitor', url: 'https://dash.example/a' });
      await stack().queue.drain(20_000);
      const ok = await call(stack(), '/dashboard/stats.json?site=dash.example', withCookie(await sessionCookie()));
      expect(ok.status).toBe(200);
      expect(((await ok.json()) as { totals: { pageviews: number } }).totals.pageviews).toBe(1);
      const expired = issueDashboardSession({ secret: stack().env.EDGEPRINT_SECRET!, apiKey: apiKey(), now: new Date(Date.now() - 2 * 3600_000) });
      const refused = await Promise.all([
        call(stack(), '/dashboard/stats.json'),
        call(stack(), '/dashboard/stats.json', withCookie(`ep_dash=${expired}`)),
        call(stack(), '/dashboard/stats.json', withCookie('ep_dash=v1.9999999999.AAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA')),
        // The API key opens /v1/stats, not the dashboard's data.
        call(stack(), '/dashboard/stats.json', { headers: { 'x-api-key': apiKey() } }),
      ]);
      for (const response of refused) {
        expect(response.status).toBe(401);
        expect(await response.json()).toEqual({ error: { code: 'unauthorized', message: 'Authentication failed' } });
      }
    });

    it('refuses a bad stats query with 400 naming the fields', async () => {
      const response = await call(stack(), '/dashboard/stats.json?from=yesterday&limit=-1', withCookie(await sessionCookie()));
      expect(response.status).toBe(400);
      expect(Object.keys(((await response.json()) as { error: { fields: object } }).error.fields).sort()).toEqual(['from', 'limit']);
    });
  });
});
