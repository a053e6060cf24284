import { MAX_REDIRECT_LENGTH, resolveRedirectTarget, type RedirectDecision } from '../../../../layers/core/src/domain/redirect-target';

const HTTPS_ORIGIN = 'https://site.example';
const HTTP_ORIGIN = 'http://127.0.0.1:3000';
const ALLOWED = ['allowed.example', 'ports.example:8443'];

/**
 * The invariant of the redirect page, asserted on every named case: either a rejection, or an
 * absolute http(s) URL whose origin is the request origin or whose host is an allowed host.
 */
function expectInvariant(decision: RedirectDecision, requestOrigin: string, allowedHosts: readonly string[] = ALLOWED): void {
  if (!decision.ok) {
    expect(decision.reason.length).toBeGreaterThan(0);
    return;
  }
  const target = new URL(decision.target);
  expect(['http:', 'https:']).toContain(target.protocol);
  expect(target.username).toBe('');
  expect(target.password).toBe('');
  // The returned string is already the parser's normal form: a browser resolves exactly what was checked.
  expect(target.href).toBe(decision.target);
  const sameOrigin = target.origin === new URL(requestOrigin).origin;
  expect(sameOrigin || allowedHosts.includes(target.host)).toBe(true);
}

function resolve(next: string | undefined, origin = HTTPS_ORIGIN, allowed: readonly string[] = ALLOWED): RedirectDecision {
  const decision = resolveRedirectTarget(next, origin, allowed);
  expectInvariant(decision, origin, allowed);
  return decision;
}

function expectRejected(next: string, origin = HTTPS_ORIGIN): void {
  const decision = resolve(next, origin);
  expect(decision.ok).toBe(false);
}

function expectTarget(next: string | undefined, target: string, origin = HTTPS_ORIGIN, allowed: readonly string[] = ALLOWED): void {
  expect(resolve(next, origin, allowed)).toEqual({ ok: true, target });
}

describe('resolveRedirectTarget()', () => {
  describe('missing and empty next', () => {
    it('sends a missing next to the root of the request origin', () => {
      expectTarget(undefined, 'https://site.example/');
      expectTarget(undefined, 'http://127.0.0.1:3000/', HTTP_ORIGIN);
    });

    it('rejects an empty next', () => {
      expect(resolve('')).toEqual({ ok: false, reason: 'next must not be empty' });
    });

    it('rejects a next longer than the cap and accepts one at the cap', () => {
      const atCap = `/${'a'.repeat(MAX_REDIRECT_LENGTH - 1)}`;
      expect(resolve(atCap).ok).toBe(true);
      expectRejected(`${atCap}a`);
    });
  });

  describe('relative references resolve against the request origin', () => {
    it.each([
      ['/p?a=1&b=2', 'https://site.example/p?a=1&b=2'],
      ['/deep/path/', 'https://site.example/deep/path/'],
      ['p/q', 'https://site.example/p/q'],
      ['../../x', 'https://site.example/x'],
      ['?q=1', 'https://site.example/?q=1'],
      ['#frag', 'https://site.example/#frag'],
      ['/%2F%2Fevil.com', 'https://site.example/%2F%2Fevil.com'],
      ['%2F%2Fevil.com', 'https://site.example/%2F%2Fevil.com'],
    ])('%j → %s', (next, target) => {
      expectTarget(next, target);
    });

    it('keeps the port of an http request origin', () => {
      expectTarget('/landing?x=1', 'http://127.0.0.1:3000/landing?x=1', HTTP_ORIGIN);
    });

    it('accepts an absolute URL on the request origin itself', () => {
      expectTarget('https://site.example/a', 'https://site.example/a');
      expectTarget('http://127.0.0.1:3000/a', 'http://127.0.0.1:3000/a', HTTP_ORIGIN);
    });

    it('does not treat the same host on another scheme or port as the request origin', () => {
      expectRejected('http://site.example/a');
      expectRejected('https://site.example:8443/a');
      expectRejected('http://127.0.0.1:3001/a', HTTP_ORIGIN);
    });
  });

  describe('allowed hosts', () => {
    it('accepts an allowed host over https and http', () => {
      expectTarget('https://allowed.example/x?y=1', 'https://allowed.example/x?y=1');
      expectTarget('http://allowed.example/x', 'http://allowed.example/x');
    });

    it('accepts an allowed host written in upper case and returns it lower-cased', () => {
      expectTarget('HTTPS://ALLOWED.EXAMPLE/Path', 'https://allowed.example/Path');
      expectTarget('https://Allowed.Example/', 'https://allowed.example/');
    });

    it('accepts an allowed host with its default port written out (the parser drops it)', () => {
      expectTarget('https://allowed.example:443/x', 'https://allowed.example/x');
      expectTarget('http://allowed.example:80/x', 'http://allowed.example/x');
    });

    it('rejects an allowed host name on a port that is not configured', () => {
      expectRejected('https://allowed.example:8443/x');
      expectRejected('http://allowed.example:443/x');
    });

    it('accepts a host configured with a port only on that port', () => {
      expectTarget('https://ports.example:8443/x', 'https://ports.example:8443/x');
      expectRejected('https://ports.example/x');
      expectRejected('https://ports.example:9443/x');
    });

    it('accepts a scheme-relative allowed host, taking the request scheme', () => {
      expectTarget('//allowed.example/p', 'https://allowed.example/p');
      expectTarget('//allowed.example/p', 'http://allowed.example/p', HTTP_ORIGIN);
    });

    it('rejects every other host when none are configured', () => {
      expect(resolve('https://allowed.example/', HTTPS_ORIGIN, []).ok).toBe(false);
      expectTarget('/ok', 'https://site.example/ok', HTTPS_ORIGIN, []);
    });
  });

  describe('hostile values', () => {
    const origins = [HTTPS_ORIGIN, HTTP_ORIGIN];

    it.each([
      'https://evil.com',
      'http://evil.com/',
      'https://evil.com/https://site.example/',
      'https://allowed.example.evil.com/',
      'https://evilallowed.example/',
      'https://evil.com#@allowed.example',
      'https://evil.com?@allowed.example',
      'https://allowed.example%2Eevil.com/',
      'https://allowed.example@evil.com',
      'https://allowed.example:pw@evil.com/',
      'https://user@allowed.example/',
      '//evil.com',
      '//evil.com/path',
      '//evil.com:443',
      '//EVIL.COM',
      '///evil.com',
      '////evil.com',
      'https:///evil.com',
      'javascript:alert(1)',
      'JaVaScRiPt:alert(document.domain)',
      ' javascript:alert(1)',
      'javascript://allowed.example/%0aalert(1)',
      'data:text/html,<script>alert(1)</script>',
      'data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==',
      'vbscript:msgbox(1)',
      'mailto:someone@evil.com',
      'ftp://allowed.example/file',
      'ftp://evil.com/',
      'file:///etc/passwd',
      'blob:https://site.example/uuid',
    ])('rejects %j from both origins', (next) => {
      for (const origin of origins) expectRejected(next, origin);
    });

    it.each([
      '/\\evil.com',
      '\\\\evil.com',
      '\\/evil.com',
      '/\\/evil.com',
      'https:\\\\evil.com',
      '/\t/evil.com',
      '/\n/evil.com',
      '/\r\n/evil.com',
      '\t//evil.com',
      '/x\u0000',
      '/x\u007f',
      'java\tscript:alert(1)',
      'java\nscript:alert(1)',
    ])('rejects backslash and control-character trick %j outright', (next) => {
      for (const origin of origins) {
        expect(resolve(next, origin)).toEqual({ ok: false, reason: 'next contains control characters or backslashes' });
      }
    });

    it('keeps a percent-encoded tab as a same-origin path (the parser does not decode it)', () => {
      // new URL('/%09/evil.com', origin) keeps `%09` in the path: the browser stays on the request origin.
      expect(new URL('/%09/evil.com', HTTPS_ORIGIN).host).toBe('site.example');
      expectTarget('/%09/evil.com', 'https://site.example/%09/evil.com');
      expectTarget('/%5C/evil.com', 'https://site.example/%5C/evil.com');
    });

    it('resolves https:evil.com to a same-origin path from an https origin', () => {
      // With a same-scheme base the parser reads `https:evil.com` as the relative path `evil.com`.
      expectTarget('https:evil.com', 'https://site.example/evil.com', HTTPS_ORIGIN);
      expectTarget('http:evil.com', 'http://127.0.0.1:3000/evil.com', HTTP_ORIGIN);
      expectTarget('https:/evil.com/', 'https://site.example/evil.com/', HTTPS_ORIGIN);
    });

    it('rejects https:evil.com from an http origin (the parser makes it https://evil.com/)', () => {
      expect(new URL('https:evil.com', HTTP_ORIGIN).host).toBe('evil.com');
      expectRejected('https:evil.com', HTTP_ORIGIN);
      expectRejected('http:evil.com', HTTPS_ORIGIN);
      expectRejected('https:/evil.com/', HTTP_ORIGIN);
    });

    it('gives a clear reason for each kind of rejection', () => {
      expect(resolve('javascript:alert(1)')).toEqual({ ok: false, reason: 'next must be an http or https URL' });
      expect(resolve('https://allowed.example@evil.com')).toEqual({ ok: false, reason: 'next must not carry credentials' });
      expect(resolve('//evil.com')).toEqual({ ok: false, reason: 'next points to a host that is not allowed' });
      expect(resolve('https://[::1')).toEqual({ ok: false, reason: 'next is not a valid URL' });
    });
  });
});
