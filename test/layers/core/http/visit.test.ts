import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { loadConfig } from '../../../../layers/core/src/config';
import { createRuntime } from '../../../../layers/core/src/runtime';
import { toHttpRequest } from '../../../../layers/core/src/http/request';
import { beginVisit } from '../../../../layers/core/src/http/visit';

const HTTP_API: APIGatewayProxyEventV2 = require('../../../fixtures/apigateway/http-api-v2-get.json');
const TLS = {
  'cloudfront-viewer-ja3-fingerprint': '54ceca84977f3398ed42d66c907e7e85',
  'cloudfront-viewer-ja4-fingerprint': 't13d1516h2_8daaf6152771_b186095e22b6',
  'cloudfront-viewer-header-order': 'host:user-agent:accept:accept-language',
  'cloudfront-viewer-header-count': '4',
};

function visitWith(env: Record<string, string>) {
  const config = loadConfig({ EDGEPRINT_TABLE: 'edgeprint-unit', EDGEPRINT_SECRET: 'unit-secret-of-sixteen', ...env });
  const runtime = createRuntime(config);
  const event: APIGatewayProxyEventV2 = structuredClone(HTTP_API);
  event.headers = { ...event.headers, ...TLS };
  return beginVisit(toHttpRequest(event, config), runtime);
}

describe('beginVisit()', () => {
  it('stores CloudFront\'s TLS and header-order signals only when fronted by our distribution', async () => {
    const direct = await visitWith({});
    for (const name of Object.keys(TLS)) expect(direct.signals?.headers).not.toHaveProperty(name);
    const fronted = await visitWith({ EDGEPRINT_TRUST_CLOUDFRONT_VIEWER_ADDRESS: 'true' });
    expect(fronted.signals?.headers).toMatchObject(TLS);
  });

  it('keeps the version-1 id unless EDGEPRINT_FINGERPRINT_JA4 is on, then stores version 2', async () => {
    const plain = await visitWith({});
    const fronted = await visitWith({ EDGEPRINT_TRUST_CLOUDFRONT_VIEWER_ADDRESS: 'true' });
    expect(fronted.fingerprint).toEqual(plain.fingerprint);
    expect(plain.fingerprint?.version).toBe(1);
    const ja4 = await visitWith({ EDGEPRINT_TRUST_CLOUDFRONT_VIEWER_ADDRESS: 'true', EDGEPRINT_FINGERPRINT_JA4: 'true' });
    expect(ja4.fingerprint?.version).toBe(2);
    expect(ja4.fingerprint?.id).not.toBe(plain.fingerprint?.id);
  });

  it('mints a session with its cookie in cookie mode', async () => {
    const visit = await visitWith({});
    expect(visit.sessionIsNew).toBe(true);
    expect(visit.cookies).toEqual([expect.stringMatching(new RegExp(`^ep_sid=${visit.sessionId};`))]);
  });
});
