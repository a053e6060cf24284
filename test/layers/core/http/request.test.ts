import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { toHttpRequest } from '../../../../layers/core/src/http/request';

function event(overrides: Partial<APIGatewayProxyEventV2> = {}): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: 'ANY /v1/r',
    rawPath: '/v1/r',
    rawQueryString: 'next=%2Fa',
    headers: { host: 'abc.execute-api.eu-west-1.amazonaws.com', 'cloudfront-viewer-address': '198.51.100.7:443' },
    requestContext: {
      accountId: '1',
      apiId: 'abc',
      domainName: 'abc.execute-api.eu-west-1.amazonaws.com',
      domainPrefix: 'abc',
      http: { method: 'GET', path: '/v1/r', protocol: 'HTTP/1.1', sourceIp: '130.176.1.1', userAgent: 'x' },
      requestId: 'id',
      routeKey: 'ANY /v1/r',
      stage: '$default',
      time: '',
      timeEpoch: 0,
    },
    isBase64Encoded: false,
    ...overrides,
  };
}

describe('toHttpRequest()', () => {
  // Issue 12: the base path and public host the distribution's CloudFront Function (and the local edge proxy) report.
  describe('behind the distribution (x-edgeprint-base-path, x-edgeprint-public-host)', () => {
    const behind = (headers: Record<string, string>) => event({ headers: { host: 'abc.execute-api.eu-west-1.amazonaws.com', ...headers } });

    it('puts the reported prefix back into the URL, on the public host when that host is a configured one', () => {
      const request = toHttpRequest(behind({ 'x-edgeprint-base-path': '/_ep', 'x-edgeprint-public-host': 'Shop.Example' }), {
        trustCloudFrontViewerAddress: false,
        allowedOrigins: ['https://shop.example'],
      });
      expect(request.basePath).toBe('/_ep');
      expect(request.origin).toBe('https://shop.example');
      expect(request.url).toBe('https://shop.example/_ep/v1/r?next=%2Fa');
    });

    it('believes the public host when it is an allowed redirect host too', () => {
      const request = toHttpRequest(behind({ 'x-edgeprint-public-host': 'shop.example:8443' }), { trustCloudFrontViewerAddress: false, allowedRedirectHosts: ['shop.example:8443'] });
      expect(request.origin).toBe('https://shop.example:8443');
    });

    it('ignores a public host that is not configured (a viewer can send it straight to the API), keeping the base path', () => {
      const request = toHttpRequest(behind({ 'x-edgeprint-base-path': '/_ep', 'x-edgeprint-public-host': 'evil.example' }), {
        trustCloudFrontViewerAddress: false,
        allowedOrigins: ['https://shop.example'],
        allowedRedirectHosts: ['allowed.example'],
      });
      expect(request.origin).toBe('https://abc.execute-api.eu-west-1.amazonaws.com');
      expect(request.url).toBe('https://abc.execute-api.eu-west-1.amazonaws.com/_ep/v1/r?next=%2Fa');
    });

    it.each(['', '/', '_ep', '/_ep/v1', '/_ep?', '/a b', `/${'x'.repeat(33)}`, '/../x', '//evil.example', '/_ep\n'])(
      'ignores the malformed base path %j',
      (value) => {
        const request = toHttpRequest(behind({ 'x-edgeprint-base-path': value }), { trustCloudFrontViewerAddress: false });
        expect(request.basePath).toBe('');
        expect(request.url).toBe('https://abc.execute-api.eu-west-1.amazonaws.com/v1/r?next=%2Fa');
      },
    );

    it('lets the reported base path win over the configured one (the path the browser really used)', () => {
      const request = toHttpRequest(behind({ 'x-edgeprint-base-path': '/_t' }), { publicOrigin: 'https://shop.example', publicPathPrefix: '/_ep', trustCloudFrontViewerAddress: false });
      expect(request.url).toBe('https://shop.example/_t/v1/r?next=%2Fa');
    });
  });

  it('builds the absolute request URL from the API Gateway domain by default', () => {
    const request = toHttpRequest(event(), { trustCloudFrontViewerAddress: false });
    expect(request.url).toBe('https://abc.execute-api.eu-west-1.amazonaws.com/v1/r?next=%2Fa');
    expect(request.clientIp).toBe('130.176.1.1');
  });

  it('puts the stripped path prefix back when served first-party under the public origin', () => {
    const request = toHttpRequest(event(), { publicOrigin: 'https://shop.example', publicPathPrefix: '/_ep', trustCloudFrontViewerAddress: true });
    expect(request.origin).toBe('https://shop.example');
    expect(request.url).toBe('https://shop.example/_ep/v1/r?next=%2Fa');
    expect(request.clientIp).toBe('198.51.100.7');
  });

  it('takes the viewer address only when trusted, and parses unbracketed IPv6 with its port', () => {
    const v6 = event({ headers: { 'cloudfront-viewer-address': '2001:db8::7:52114' } });
    expect(toHttpRequest(v6, { trustCloudFrontViewerAddress: true }).clientIp).toBe('2001:db8::7');
    expect(toHttpRequest(v6, { trustCloudFrontViewerAddress: false }).clientIp).toBe('130.176.1.1');
  });
});
