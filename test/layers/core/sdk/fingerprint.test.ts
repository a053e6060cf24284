import { randomUUID } from 'node:crypto';
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { fingerprint, type FingerprintContext } from '../../../../layers/core/src/v1';
import { scanTable, useLocalStack } from '../../../helpers/local-stack';

const HTTP_API: APIGatewayProxyEventV2 = require('../../../fixtures/apigateway/http-api-v2-get.json');
const REST_API: APIGatewayProxyEvent = require('../../../fixtures/apigateway/rest-api-v1-get.json');

/** A fresh Lambda context per invocation, as Lambda gives. */
const context = () => ({ awsRequestId: 'test', functionName: 'orders', getRemainingTimeInMillis: () => 3000 }) as unknown as Context;

function httpApiEvent(): APIGatewayProxyEventV2 {
  const event: APIGatewayProxyEventV2 = structuredClone(HTTP_API);
  event.rawPath = `/orders/${randomUUID()}`;
  return event;
}

describe('fingerprint()', () => {
  const stack = useLocalStack();

  it('records before the handler, hands it the result and adds the session cookie to its response', async () => {
    const seen: Array<FingerprintContext['edgeprint']> = [];
    const handler = middy(async (_event: APIGatewayProxyEventV2, ctx: Context) => {
      seen.push((ctx as FingerprintContext).edgeprint);
      return { statusCode: 200, cookies: ['theme=dark'], body: 'ok' };
    }).use(fingerprint<APIGatewayProxyEventV2>({ userId: (event) => (event.requestContext as { authorizer?: { jwt?: { claims?: { sub?: string } } } }).authorizer?.jwt?.claims?.sub }));
    const response = (await handler(httpApiEvent(), context())) as { cookies: string[]; body: string };
    const recorded = seen[0];
    expect(recorded).toMatchObject({ recorded: true, hitCounted: true, link: 'linked' });
    expect(response.body).toBe('ok');
    expect(response.cookies).toEqual(['theme=dark', expect.stringMatching(`^ep_sid=${recorded?.sessionId};`)]);
    expect((await scanTable(stack())).find((item) => item.pk === `S#${recorded?.sessionId}` && item.sk === 'SESSION')).toMatchObject({ userId: 'customer-8841' });
  });

  it('turns a bare string result into a 200 that carries the cookie (HTTP API), and adds Set-Cookie for REST APIs', async () => {
    const plain = middy(async () => 'hello').use(fingerprint());
    expect(await plain(httpApiEvent(), context())).toEqual({ statusCode: 200, headers: { 'content-type': 'application/json' }, body: 'hello', cookies: [expect.stringMatching(/^ep_sid=/)] });
    const rest = middy(async () => ({ statusCode: 204, body: '' })).use(fingerprint<APIGatewayProxyEvent>());
    const response = (await rest(structuredClone(REST_API), context())) as unknown as { multiValueHeaders: Record<string, string[]> };
    expect(response.multiValueHeaders['Set-Cookie']).toEqual([expect.stringMatching(/^ep_sid=.+; Secure$/)]);
  });

  it('never breaks the handler: a failure to record goes to onError and the response is untouched', async () => {
    const errors: unknown[] = [];
    const handler = middy(async (_event: APIGatewayProxyEventV2, ctx: Context) => ({ statusCode: 200, body: String((ctx as FingerprintContext).edgeprint) })).use(
      fingerprint({
        runtime: () => Promise.reject(new Error('table unreachable')),
        onError: (error) => errors.push(error),
      }),
    );
    expect(await handler(httpApiEvent(), context())).toEqual({ statusCode: 200, body: 'undefined' });
    expect(errors).toEqual([new Error('table unreachable')]);
  });
});
