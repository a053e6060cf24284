import fc from 'fast-check';
import type { ForwardEvent } from '../../../../layers/core/src/forwarding/event';
import {
  applyPrivacyFilter,
  cleanUrl,
  DEFAULT_DENY_PARAMS,
  isExcludedPath,
} from '../../../../layers/core/src/forwarding/privacy-filter';
import { arbitraryForwardEvent, forwardEvent } from '../../../helpers/forward-event-factory';

const deny = new Set(DEFAULT_DENY_PARAMS);

describe('applyPrivacyFilter()', () => {
  it('passes an ordinary event through unchanged', () => {
    const event = forwardEvent();
    const result = applyPrivacyFilter([event]);
    expect(result.events).toEqual([event]);
    expect(result.dropped).toEqual({ gpc: 0, dnt: 0, excluded_path: 0, unsuccessful_status: 0 });
    expect(result.redacted).toBe(0);
  });

  it('keeps GPC visitors from third parties by default, and forwards them when configured', () => {
    const gpc = forwardEvent({ gpc: true });
    expect(applyPrivacyFilter([gpc]).events).toEqual([]);
    expect(applyPrivacyFilter([gpc]).dropped.gpc).toBe(1);
    expect(applyPrivacyFilter([gpc], { forwardGpc: true }).events).toEqual([gpc]);
  });

  it('honours DNT by default, and ignores it when configured', () => {
    const dnt = forwardEvent({ dnt: true });
    expect(applyPrivacyFilter([dnt]).dropped.dnt).toBe(1);
    expect(applyPrivacyFilter([dnt], { honorDnt: false }).events).toEqual([dnt]);
  });

  it('forwards request-based events only when the status is absent or 2xx', () => {
    const statuses = [undefined, 200, 204, 299, 301, 304, 404, 500];
    const events = statuses.map((status) => forwardEvent({ kind: 'request', name: 'request', status }));
    const result = applyPrivacyFilter(events);
    expect(result.events.map((e) => e.status)).toEqual([undefined, 200, 204, 299]);
    expect(result.dropped.unsuccessful_status).toBe(4);
    // Browser events carry no status rule.
    expect(applyPrivacyFilter([forwardEvent({ kind: 'pageview', status: 404 })]).events).toHaveLength(1);
  });

  it.each([
    'https://shop.example.com/admin',
    'https://shop.example.com/admin/',
    'https://shop.example.com/admin/users/1?x=1',
    'https://shop.example.com/Admin/users',
    'https://shop.example.com/%61dmin/',
    'https://shop.example.com//admin/',
    'https://shop.example.com/feed',
    'https://shop.example.com/feed/rss.xml',
  ])('excludes %s', (url) => {
    expect(applyPrivacyFilter([forwardEvent({ url })]).dropped.excluded_path).toBe(1);
  });

  it.each(['https://shop.example.com/administer', 'https://shop.example.com/feedback', 'https://shop.example.com/blog/admin'])('keeps %s', (url) => {
    expect(applyPrivacyFilter([forwardEvent({ url })]).events).toHaveLength(1);
  });

  it('excludes activity paths and honours configured prefixes', () => {
    const activity = forwardEvent({ kind: 'activity', name: 'activity', url: undefined, path: '/admin/login' });
    expect(applyPrivacyFilter([activity]).dropped.excluded_path).toBe(1);
    const internal = forwardEvent({ url: 'https://shop.example.com/internal/x' });
    expect(applyPrivacyFilter([internal], { excludePaths: ['/internal/'] }).dropped.excluded_path).toBe(1);
    expect(applyPrivacyFilter([forwardEvent({ url: 'https://shop.example.com/admin' })], { excludePaths: [] }).events).toHaveLength(1);
  });

  it('strips denied query parameters from url and referrer, case-insensitively', () => {
    const event = forwardEvent({
      url: 'https://shop.example.com/p?q=shoes&Token=abc&ACCESS_TOKEN=x&page=2&api_key=k&e-mail=x',
      referrer: 'https://auth.example.org/cb?code=123&state=ok',
    });
    const [clean] = applyPrivacyFilter([event]).events;
    expect(clean?.url).toBe('https://shop.example.com/p?q=shoes&page=2');
    expect(clean?.referrer).toBe('https://auth.example.org/cb?state=ok');
    expect(applyPrivacyFilter([event]).redacted).toBe(1);
  });

  it('strips denied parameters from fragments (OAuth implicit flow) but keeps SPA routes', () => {
    const [clean] = applyPrivacyFilter([forwardEvent({ url: 'https://shop.example.com/cb#access_token=secret&state=1' })]).events;
    expect(clean?.url).toBe('https://shop.example.com/cb#state=1');
    const route = forwardEvent({ url: 'https://shop.example.com/#/orders/7' });
    expect(applyPrivacyFilter([route]).events[0]?.url).toBe(route.url);
    const [spa] = applyPrivacyFilter([forwardEvent({ url: 'https://shop.example.com/#/callback?Access_Token=secret&tab=2' })]).events;
    expect(spa?.url).toBe('https://shop.example.com/#/callback?tab=2');
  });

  it('redacts email addresses in any parameter, path segment, title and prop', () => {
    const event = forwardEvent({
      url: 'https://shop.example.com/users/jane.doe%40example.com/edit?ref=a@b.co&to=x%40y.org&n=1',
      title: 'Welcome jane@example.com',
      props: { contact: 'jane@example.com', plan: 'pro', password: 'hunter2' },
      userId: 'jane@example.com',
    });
    const [clean] = applyPrivacyFilter([event]).events;
    expect(clean?.url).toBe('https://shop.example.com/users/redacted/edit?ref=redacted&to=redacted&n=1');
    expect(clean?.title).toBe('Welcome redacted');
    expect(clean?.props).toEqual({ contact: 'redacted', plan: 'pro' });
    expect(clean?.userId).toBeUndefined();
    expect(JSON.stringify(clean)).not.toMatch(/jane|hunter2|x%40y/);
  });

  it('removes credentials in URLs and URLs that cannot be cleaned', () => {
    const [clean] = applyPrivacyFilter([forwardEvent({ url: 'https://user:pw@shop.example.com/', referrer: 'not a url' })]).events;
    expect(clean?.url).toBe('https://shop.example.com/');
    expect(clean?.referrer).toBeUndefined();
  });

  it('uses a configured deny-list', () => {
    const [clean] = applyPrivacyFilter([forwardEvent({ url: 'https://shop.example.com/?token=1&ssn=2' })], { denyParams: ['SSN'] }).events;
    expect(clean?.url).toBe('https://shop.example.com/?token=1');
  });

  it('does not mutate its input', () => {
    const event = forwardEvent({ url: 'https://shop.example.com/?token=1', props: { email: 'a@b.co' } });
    const copy = structuredClone(event);
    applyPrivacyFilter([event]);
    expect(event).toEqual(copy);
  });

  it('fuzz: never throws, counts every event once, and never lets a denied parameter or email through', () => {
    fc.assert(
      fc.property(fc.array(arbitraryForwardEvent, { maxLength: 20 }), (events: ForwardEvent[]) => {
        const result = applyPrivacyFilter(events);
        const dropped = Object.values(result.dropped).reduce((a, b) => a + b, 0);
        expect(result.events.length + dropped).toBe(events.length);
        for (const event of result.events) {
          expect(event.gpc).toBe(false);
          expect(event.dnt).toBe(false);
          for (const field of [event.url, event.referrer]) {
            if (field === undefined) continue;
            const url = new URL(field);
            for (const name of url.searchParams.keys()) expect(deny.has(name.trim().toLowerCase())).toBe(false);
            for (const value of url.searchParams.values()) expect(value).not.toMatch(/[^\s@]+@[^\s@]+\.[^\s@]+/);
          }
          for (const [key, value] of Object.entries(event.props ?? {})) {
            expect(deny.has(key.toLowerCase())).toBe(false);
            if (typeof value === 'string') expect(value).not.toMatch(/^[^\s@/?#&=:;,<>"'()[\]]+@[^\s@/?#&=:;,<>"'()[\]]+\.[^\s@/?#&=:;,<>"'()[\]]+$/);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('fuzz: denied parameters are stripped whatever their case, position or value', () => {
    const deniedName = fc.tuple(fc.constantFrom(...DEFAULT_DENY_PARAMS), fc.array(fc.boolean(), { minLength: 12, maxLength: 12 }))
      .map(([name, upper]) => [...name].map((c, i) => (upper[i] ? c.toUpperCase() : c)).join(''));
    const pair = fc.oneof(
      fc.tuple(deniedName, fc.string()).map(([k, v]) => `${k}=${encodeURIComponent(v.replace(/[\uD800-\uDFFF]/g, ''))}`),
      fc.tuple(fc.constantFrom('q', 'page', 'utm_source'), fc.emailAddress()).map(([k, v]) => `${k}=${encodeURIComponent(v)}`),
      fc.constantFrom('q=1', 'page=2', 'flag'),
    );
    fc.assert(
      fc.property(fc.webUrl(), fc.array(pair, { minLength: 1, maxLength: 8 }), fc.boolean(), (base, pairs, inFragment) => {
        const url = `${base.split(/[?#]/)[0]}${inFragment ? '#' : '?'}${pairs.join('&')}`;
        const [clean] = applyPrivacyFilter([forwardEvent({ url })]).events;
        const cleaned = new URL(clean?.url ?? 'https://x.invalid/');
        const params = new URLSearchParams(inFragment ? cleaned.hash.slice(1) : cleaned.search.slice(1));
        for (const [name, value] of params) {
          expect(deny.has(name.toLowerCase())).toBe(false);
          expect(value).not.toContain('@');
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('cleanUrl()', () => {
  it('keeps a URL without anything to remove byte for byte', () => {
    expect(cleanUrl('https://Shop.example.com/a%2Fb?q=1&q=2', deny)).toEqual(['https://Shop.example.com/a%2Fb?q=1&q=2', false]);
  });

  it('drops the empty query left after stripping', () => {
    expect(cleanUrl('https://shop.example.com/p?token=1', deny)).toEqual(['https://shop.example.com/p', true]);
  });

  it('refuses non-http URLs', () => {
    expect(cleanUrl('javascript:alert(1)', deny)).toEqual([undefined, true]);
  });
});

describe('isExcludedPath()', () => {
  it('matches per segment', () => {
    expect(isExcludedPath('/admin', ['/admin'])).toBe(true);
    expect(isExcludedPath('/admin/x', ['/admin/'])).toBe(true);
    expect(isExcludedPath('/adminx', ['/admin'])).toBe(false);
    expect(isExcludedPath('/%E0%A4%A', ['/admin'])).toBe(false);
  });
});
