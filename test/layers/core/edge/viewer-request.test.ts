import fc from 'fast-check';
import type { APIGatewayProxyEventV2, CloudFrontHeaders } from 'aws-lambda';
import { requestFingerprint } from '../../../../layers/core/src/domain/fingerprint';
import { requestSignals } from '../../../../layers/core/src/domain/request-signals';
import { cookielessSessionId } from '../../../../layers/core/src/edge/edge-session';
import {
  EDGE_HEADERS,
  fingerprintViewerRequest,
  flattenHeaders,
  handleViewerRequest,
  stripEdgeHeaders,
} from '../../../../layers/core/src/edge/viewer-request';
import { toHttpRequest } from '../../../../layers/core/src/http/request';
import {
  CHROME_NAVIGATION_HEADERS,
  EDGE_TEST_CONFIG,
  edgeprintHeaderNames,
  headerValue,
  requestOf,
  viewerRequestEvent,
  viewerRequestFixture,
} from '../../../helpers/cloudfront';

const NOW = new Date('2025-11-21T10:00:00.000Z');
const options = { config: EDGE_TEST_CONFIG, now: () => NOW, log: () => undefined };

describe('handleViewerRequest()', () => {
  it('stamps a Chrome navigation with the fingerprint, version, session and bot flag', () => {
    const event = viewerRequestFixture('chrome-navigation');
    const original = requestOf(viewerRequestFixture('chrome-navigation'));
    const result = handleViewerRequest(event, options);
    const expected = requestFingerprint(requestSignals(flattenHeaders(stripEdgeHeaders(original.headers)), original.clientIp), EDGE_TEST_CONFIG.secret);
    expect(headerValue(result.headers, EDGE_HEADERS.fingerprint)).toBe(expected.id);
    expect(headerValue(result.headers, EDGE_HEADERS.version)).toBe('1');
    expect(headerValue(result.headers, EDGE_HEADERS.session)).toBe('AbCdEfGhIjKlMnOpQrStUv');
    expect(headerValue(result.headers, EDGE_HEADERS.sessionSource)).toBe('cookie');
    expect(headerValue(result.headers, EDGE_HEADERS.bot)).toBe('0');
    // Everything else reaches the origin as the viewer sent it.
    expect(result.uri).toBe('/articles/edge');
    expect(result.querystring).toBe('utm_source=news');
    expect(result.method).toBe('GET');
    expect(result.clientIp).toBe('203.0.113.178');
    for (const name of ['host', 'user-agent', 'cookie', 'accept-language', 'priority']) expect(result.headers[name]).toEqual(original.headers[name]);
  });

  it('replaces the spoofed x-edgeprint-* headers the viewer sent with its own, one value each', () => {
    const result = handleViewerRequest(viewerRequestFixture('chrome-navigation'), options);
    expect(edgeprintHeaderNames(result.headers).sort()).toEqual(Object.values(EDGE_HEADERS).sort());
    for (const name of Object.values(EDGE_HEADERS)) expect(result.headers[name]).toHaveLength(1);
    expect(JSON.stringify(result.headers)).not.toContain('spoofed-by-the-viewer');
  });

  it('stamps a navigation from a browser without fetch metadata (HTML Accept) with a derived session', () => {
    const event = viewerRequestFixture('firefox-navigation');
    const request = requestOf(viewerRequestFixture('firefox-navigation'));
    const result = handleViewerRequest(event, options);
    const derived = cookielessSessionId({
      secret: EDGE_TEST_CONFIG.secret,
      siteId: EDGE_TEST_CONFIG.siteId,
      ip: request.clientIp,
      userAgent: headerValue(request.headers, 'user-agent'),
      at: NOW,
    });
    expect(headerValue(result.headers, EDGE_HEADERS.session)).toBe(derived);
    expect(headerValue(result.headers, EDGE_HEADERS.sessionSource)).toBe('derived');
    expect(headerValue(result.headers, EDGE_HEADERS.bot)).toBe('0');
  });

  it.each([
    ['asset', 'asset'],
    ['admin', 'excluded-path'],
    ['fetch', 'not-navigation'],
    ['prefetch', 'prefetch'],
    ['api-collect', 'method'],
  ])('passes the %s request through unstamped (%s) but still strips spoofed headers', (name, reason) => {
    const original = requestOf(viewerRequestFixture(name));
    const outcome = fingerprintViewerRequest(requestOf(viewerRequestFixture(name)), EDGE_TEST_CONFIG, NOW);
    expect(outcome.kind).toBe('skipped');
    expect(outcome.kind === 'skipped' && outcome.reason).toBe(reason);
    expect(edgeprintHeaderNames(outcome.request.headers)).toEqual([]);
    expect(outcome.request).toEqual({ ...original, headers: stripEdgeHeaders(original.headers) });
    expect(handleViewerRequest(viewerRequestFixture(name), options)).toEqual(outcome.request);
  });

  it('excludes the API prefix even for a navigation', () => {
    const event = viewerRequestEvent({ uri: '/_ep/v1/r', querystring: 'next=/', headers: { ...CHROME_NAVIGATION_HEADERS } });
    const outcome = fingerprintViewerRequest(requestOf(event), EDGE_TEST_CONFIG, NOW);
    expect(outcome.kind === 'skipped' && outcome.reason).toBe('excluded-path');
  });

  it('flags a known crawler as a bot and still stamps its fingerprint', () => {
    const result = handleViewerRequest(viewerRequestFixture('googlebot'), options);
    expect(headerValue(result.headers, EDGE_HEADERS.bot)).toBe('1');
    expect(headerValue(result.headers, EDGE_HEADERS.fingerprint)).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  it('flags a browser user agent that sends no Accept-Language (a header heuristic)', () => {
    const outcome = fingerprintViewerRequest(requestOf(viewerRequestFixture('no-accept-language')), EDGE_TEST_CONFIG, NOW);
    expect(outcome.kind === 'stamped' && outcome.stamp.bot).toBe('no-accept-language');
    expect(headerValue(outcome.request.headers, EDGE_HEADERS.bot)).toBe('1');
  });

  it('fails open when the hash throws: the request passes minus spoofed headers, and one line is logged', () => {
    const lines: string[] = [];
    const broken = { ...EDGE_TEST_CONFIG, secret: undefined as unknown as string };
    const original = requestOf(viewerRequestFixture('chrome-navigation'));
    const result = handleViewerRequest(viewerRequestFixture('chrome-navigation'), { config: broken, now: () => NOW, log: (line) => lines.push(line) });
    expect(result).toEqual({ ...original, headers: stripEdgeHeaders(original.headers) });
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 'ERROR', message: 'edgeprint edge failed open', uri: '/articles/edge' });
  });

  it('fails open when the baked configuration was invalid, without logging the secret', () => {
    const lines: string[] = [];
    const result = handleViewerRequest(viewerRequestFixture('chrome-navigation'), {
      config: { ok: false, error: 'Invalid edge configuration: secret must be a string of at least 16 characters' },
      log: (line) => lines.push(line),
    });
    expect(edgeprintHeaderNames(result.headers)).toEqual([]);
    expect(result.uri).toBe('/articles/edge');
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain(EDGE_TEST_CONFIG.secret);
  });

  it('fails open on malformed events: never throws, returns what request there is', () => {
    const lines: string[] = [];
    const log = (line: string) => lines.push(line);
    expect(() => handleViewerRequest({}, { ...options, log })).not.toThrow();
    expect(() => handleViewerRequest(null, { ...options, log })).not.toThrow();
    const odd = { uri: '/', method: 'GET', headers: null };
    expect(handleViewerRequest({ Records: [{ cf: { request: odd } }] }, { ...options, log })).toBe(odd);
    expect(lines).toHaveLength(3);
  });

  it('in cookieless mode ignores ep_sid and derives the session', () => {
    const config = { ...EDGE_TEST_CONFIG, privacyMode: 'cookieless' as const };
    const result = handleViewerRequest(viewerRequestFixture('chrome-navigation'), { ...options, config });
    expect(headerValue(result.headers, EDGE_HEADERS.sessionSource)).toBe('derived');
    expect(headerValue(result.headers, EDGE_HEADERS.session)).not.toBe('AbCdEfGhIjKlMnOpQrStUv');
  });

  it('rotates the cookieless session at the UTC day boundary and keeps it within the day', () => {
    const config = { ...EDGE_TEST_CONFIG, privacyMode: 'cookieless' as const };
    const sessionAt = (iso: string) =>
      headerValue(handleViewerRequest(viewerRequestFixture('chrome-navigation'), { config, now: () => new Date(iso), log: () => undefined }).headers, EDGE_HEADERS.session);
    const lastOfDay = sessionAt('2025-11-21T23:59:59.999Z');
    const firstOfDay = sessionAt('2025-11-21T00:00:00.000Z');
    const nextDay = sessionAt('2025-11-22T00:00:00.000Z');
    expect(lastOfDay).toBe(firstOfDay);
    expect(nextDay).not.toBe(lastOfDay);
    expect(sessionAt('2025-11-22T23:59:59.999Z')).toBe(nextDay);
  });

  it('gives the same fingerprint as the regional API for the same browser request', () => {
    const ip = '198.51.100.23';
    const edge = handleViewerRequest(viewerRequestEvent({ clientIp: ip, headers: { ...CHROME_NAVIGATION_HEADERS, Host: 'shop.example' } }), options);
    const apiEvent = {
      version: '2.0',
      routeKey: 'POST /v1/collect',
      rawPath: '/v1/collect',
      rawQueryString: '',
      headers: { ...CHROME_NAVIGATION_HEADERS, accept: '*/*', 'sec-fetch-dest': 'empty', 'content-type': 'text/plain;charset=UTF-8' },
      requestContext: { domainName: 'api.example', requestId: 'r', http: { method: 'POST', path: '/v1/collect', protocol: 'HTTP/1.1', sourceIp: ip, userAgent: '' } },
      isBase64Encoded: false,
    } as unknown as APIGatewayProxyEventV2;
    const request = toHttpRequest(apiEvent, { trustCloudFrontViewerAddress: false });
    const regional = requestFingerprint(requestSignals(request.headers, request.clientIp), EDGE_TEST_CONFIG.secret);
    expect(headerValue(edge.headers, EDGE_HEADERS.fingerprint)).toBe(regional.id);
  });

  it('never throws and always returns a request without the viewer\'s x-edgeprint-* values (fuzz)', () => {
    const headerName = fc.oneof(
      fc.constantFrom('user-agent', 'accept', 'accept-language', 'cookie', 'sec-fetch-dest', 'sec-purpose', 'X-Edgeprint-Bot', 'x-edgeprint-session', 'x-edgeprint-fingerprint'),
      fc.string({ maxLength: 30 }),
    );
    const headers = fc.dictionary(headerName, fc.array(fc.record({ key: fc.string({ maxLength: 30 }), value: fc.oneof(fc.string({ maxLength: 200 }), fc.constant('SPOOF')) }), { maxLength: 3 }));
    fc.assert(
      fc.property(
        headers,
        fc.oneof(fc.string({ maxLength: 100 }), fc.webPath(), fc.constantFrom('/admin', '/a.js', '/%E0%A4%A', '//ADMIN/x')),
        fc.constantFrom('GET', 'POST', 'HEAD', 'get', ''),
        fc.oneof(fc.ipV4(), fc.ipV6(), fc.string({ maxLength: 40 })),
        fc.constantFrom<'cookie' | 'cookieless'>('cookie', 'cookieless'),
        (rawHeaders, uri, method, clientIp, privacyMode) => {
          const viewer: CloudFrontHeaders = {};
          for (const [name, entries] of Object.entries(rawHeaders)) viewer[name.toLowerCase()] = entries;
          const event = { Records: [{ cf: { config: {}, request: { clientIp, headers: viewer, method, querystring: '', uri } } }] };
          const result = handleViewerRequest(event, { config: { ...EDGE_TEST_CONFIG, privacyMode }, now: () => NOW, log: () => undefined });
          expect(result).toBeDefined();
          expect(typeof result.headers).toBe('object');
          for (const name of edgeprintHeaderNames(result.headers)) {
            expect(Object.values(EDGE_HEADERS)).toContain(name);
            expect(result.headers[name]?.map((entry) => entry.value)).not.toContain('SPOOF');
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('flattenHeaders()', () => {
  it('joins repeated headers as API Gateway does and cookies with "; "', () => {
    expect(
      flattenHeaders({
        accept: [{ key: 'Accept', value: 'text/html' }, { key: 'Accept', value: '*/*' }],
        cookie: [{ key: 'cookie', value: 'a=1' }, { key: 'cookie', value: 'ep_sid=x' }],
      }),
    ).toEqual({ accept: 'text/html,*/*', cookie: 'a=1; ep_sid=x' });
  });
});

describe('stripEdgeHeaders()', () => {
  it('removes every x-edgeprint-* header whatever its case and keeps the rest', () => {
    const kept = stripEdgeHeaders({
      'x-edgeprint-bot': [{ key: 'X-Edgeprint-Bot', value: '0' }],
      'X-EDGEPRINT-NEW': [{ key: 'X-EDGEPRINT-NEW', value: '1' }],
      'x-edgeprintless': [{ key: 'x-edgeprintless', value: 'kept' }],
      host: [{ key: 'Host', value: 'shop.example' }],
    });
    expect(Object.keys(kept).sort()).toEqual(['host', 'x-edgeprintless']);
  });
});
