import { DEFAULT_EDGE_RULES, type EdgeRules } from '../../../../layers/core/src/edge/edge-config';
import { comparablePath, isNavigation, matchesPrefix, selectRequest } from '../../../../layers/core/src/edge/request-rules';
import { CHROME_NAVIGATION_HEADERS } from '../../../helpers/cloudfront';

const get = (uri: string, headers: Record<string, string> = { ...CHROME_NAVIGATION_HEADERS }) => ({ method: 'GET', uri, headers });

describe('selectRequest()', () => {
  it('selects a GET document navigation on an ordinary page', () => {
    expect(selectRequest(get('/articles/edge'), DEFAULT_EDGE_RULES)).toEqual({ selected: true });
  });

  it('skips methods other than GET', () => {
    for (const method of ['POST', 'HEAD', 'PUT', 'OPTIONS']) {
      expect(selectRequest({ ...get('/'), method }, DEFAULT_EDGE_RULES)).toEqual({ selected: false, reason: 'method' });
    }
  });

  it.each(['/admin', '/admin/', '/admin/users', '/ADMIN/users', '/%61dmin/users', '//admin//users', '/feed', '/feed/rss', '/_ep/v1/r'])(
    'excludes %s by default',
    (uri) => {
      expect(selectRequest(get(uri), DEFAULT_EDGE_RULES)).toEqual({ selected: false, reason: 'excluded-path' });
    },
  );

  it.each(['/administrator', '/feedback', '/_epic', '/blog/admin'])('does not exclude %s (prefixes match whole segments)', (uri) => {
    expect(selectRequest(get(uri), DEFAULT_EDGE_RULES)).toEqual({ selected: true });
  });

  it('with include prefixes, selects only those, exclusions first', () => {
    const rules: EdgeRules = { ...DEFAULT_EDGE_RULES, includePrefixes: ['/blog', '/shop/'], excludePrefixes: ['/blog/drafts'] };
    expect(selectRequest(get('/blog/post-1'), rules)).toEqual({ selected: true });
    expect(selectRequest(get('/shop/cart'), rules)).toEqual({ selected: true });
    expect(selectRequest(get('/about'), rules)).toEqual({ selected: false, reason: 'not-included' });
    expect(selectRequest(get('/blog/drafts/1'), rules)).toEqual({ selected: false, reason: 'excluded-path' });
  });

  it.each(['/app.js', '/static/app.4f3a2b.css', '/img/logo.SVG', '/favicon.ico', '/fonts/a.woff2', '/sitemap.xml', '/robots.txt', '/feed.rss'])(
    'never selects the static asset %s, even when asked for as a document',
    (uri) => {
      expect(selectRequest(get(uri), DEFAULT_EDGE_RULES)).toEqual({ selected: false, reason: 'asset' });
    },
  );

  it('selects pages with page-like extensions and dotted names', () => {
    for (const uri of ['/index.html', '/about.php', '/v1.2/notes', '/.well-known/page']) expect(selectRequest(get(uri), DEFAULT_EDGE_RULES)).toEqual({ selected: true });
  });

  it('skips subresource fetches and speculative loads', () => {
    expect(selectRequest(get('/api/cart', { ...CHROME_NAVIGATION_HEADERS, 'sec-fetch-dest': 'empty' }), DEFAULT_EDGE_RULES)).toEqual({ selected: false, reason: 'not-navigation' });
    expect(selectRequest(get('/frame', { ...CHROME_NAVIGATION_HEADERS, 'sec-fetch-dest': 'iframe' }), DEFAULT_EDGE_RULES)).toEqual({ selected: false, reason: 'not-navigation' });
    expect(selectRequest(get('/next', { ...CHROME_NAVIGATION_HEADERS, 'sec-purpose': 'prefetch' }), DEFAULT_EDGE_RULES)).toEqual({ selected: false, reason: 'prefetch' });
    expect(selectRequest(get('/next', { ...CHROME_NAVIGATION_HEADERS, purpose: 'prefetch' }), DEFAULT_EDGE_RULES)).toEqual({ selected: false, reason: 'prefetch' });
  });

  it('with navigationOnly off, selects any GET page request', () => {
    const rules = { ...DEFAULT_EDGE_RULES, navigationOnly: false };
    expect(selectRequest(get('/api/cart', { accept: 'application/json', 'sec-fetch-dest': 'empty' }), rules)).toEqual({ selected: true });
    expect(selectRequest(get('/app.js', {}), rules)).toEqual({ selected: false, reason: 'asset' });
  });
});

describe('isNavigation()', () => {
  it('trusts Sec-Fetch-Dest when sent, and the Accept header otherwise', () => {
    expect(isNavigation({ 'sec-fetch-dest': 'document', accept: '*/*' })).toBe(true);
    expect(isNavigation({ 'sec-fetch-dest': 'empty', accept: 'text/html' })).toBe(false);
    expect(isNavigation({ accept: 'text/html,application/xhtml+xml' })).toBe(true);
    expect(isNavigation({ accept: '*/*' })).toBe(false);
    expect(isNavigation({})).toBe(false);
  });
});

describe('matchesPrefix()', () => {
  it('matches whole path segments unless the prefix ends with a slash', () => {
    expect(matchesPrefix('/admin', '/admin')).toBe(true);
    expect(matchesPrefix('/admins', '/admin')).toBe(false);
    expect(matchesPrefix('/admins', '/adm')).toBe(false);
    expect(matchesPrefix('/shop/x', '/shop/')).toBe(true);
    expect(matchesPrefix('/shop', '/shop/')).toBe(false);
  });
});

describe('comparablePath()', () => {
  it('decodes, collapses slashes and lower-cases; keeps malformed escapes as they are', () => {
    expect(comparablePath('//A%64min//X')).toBe('/admin/x');
    expect(comparablePath('/%E0%A4%A')).toBe('/%e0%a4%a');
  });
});
