import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { check, collectSchema } from '../../layers/core/src/http/schemas';
import { keys } from '../../layers/core/src/store/keys';
import { sessionFirstRecord } from '../../layers/core/src/store/sessions/session-item';
import { collectJson, countItems, sessionFrom, useLocalStack } from '../helpers/local-stack';

/**
 * Issue 11, point 4: nothing valid is unstorable. Over loopback against the real local stack
 * (embedded DynamoDB through the real SDK): every body the collect schema accepts is stored (204,
 * the record readable with the same props), and every body it refuses is a 400 that stores nothing.
 * Never a 503: that would tell a client to retry a request that can never succeed.
 */

const RUNS = { numRuns: 120 };

/** Numbers at every edge the store cares about: the safe-integer bounds, DynamoDB's range, subnormals, the largest double. */
const edgeNumber = fc.oneof(
  fc.constantFrom(
    0,
    -0,
    Number.MAX_SAFE_INTEGER,
    -Number.MAX_SAFE_INTEGER,
    2 ** 53,
    -(2 ** 53),
    9007199254740993,
    1e20,
    1e-130,
    -1e-130,
    9.99e-131,
    1e125,
    1e126,
    5e-324,
    Number.MIN_VALUE,
    1.7976931348623157e308,
    -1.7976931348623157e308,
    0.1 + 0.2,
  ),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.bigInt({ min: -(2n ** 60n), max: 2n ** 60n }).map(Number),
);

/** Strings around their caps, in any Unicode (lone surrogates included: JSON can carry them). */
const textAround = (cap: number) =>
  fc.oneof(
    fc.string({ unit: 'binary', maxLength: 8 }),
    fc.integer({ min: cap - 2, max: cap + 1 }).chain((length) => fc.string({ unit: 'grapheme-ascii', minLength: length, maxLength: length })),
    fc.integer({ min: cap - 1, max: cap }).map((length) => 'é'.repeat(length)),
    fc.constantFrom('\ud800', `a\udc00b`, '😀'.repeat(50), ''),
  );

/** Values a client might send as a prop: the schema's three types and what it must refuse (nesting, null). */
const propValue = fc.oneof(
  { weight: 4, arbitrary: edgeNumber },
  { weight: 3, arbitrary: textAround(100) },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(null, [1], { nested: { deeper: 1 } }) },
);

const props = fc.dictionary(
  fc.oneof(fc.string({ minLength: 1, maxLength: 8 }), textAround(40)).filter((key) => !['__proto__', 'constructor', 'prototype'].includes(key)),
  propValue,
  { maxKeys: 26 },
);

const body = fc.record(
  {
    event: fc.constantFrom('pageview', 'purchase', 'signup_step_2'),
    title: textAround(512),
    ref: fc.constantFrom(undefined, 'https://referrer.example/a', `https://referrer.example/${'r'.repeat(2020)}`),
    props,
    confidence: fc.oneof(edgeNumber, fc.constantFrom<unknown>('0.5', '1', '1e-131')),
    anon: fc.constantFrom<unknown>(true, false, 1, 0, 'true', 'false', '1', '0', 'yes', 2),
  },
  { requiredKeys: ['event'] },
);

describe('every body the collect schema accepts is stored (property, over loopback)', () => {
  const stack = useLocalStack();
  let documents: DynamoDBDocumentClient;
  let counter = 0;

  beforeAll(() => {
    documents = DynamoDBDocumentClient.from(
      new DynamoDBClient({ endpoint: stack().dynamodbEndpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }),
    );
  });
  afterAll(() => documents.destroy());

  it('answers 204 and stores the record exactly when the schema accepts, 400 and nothing stored when it refuses, never 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(body, async (fields) => {
        counter += 1;
        const url = `${stack().url}/storable/${counter}`;
        const sent = { ...fields, url };
        // What the schema says of the body as the server will see it (after a JSON round trip).
        const parsed = check(collectSchema, JSON.parse(JSON.stringify(sent)));
        const before = parsed.success ? 0 : await countItems(stack());
        const response = await collectJson(stack(), sent);
        if (!parsed.success) {
          expect({ status: response.status, fields: Object.keys(((await response.json()) as { error: { fields: object } }).error.fields).sort() }).toEqual({
            status: 400,
            fields: Object.keys(parsed.fields).sort(),
          });
          expect(await countItems(stack())).toBe(before);
          return;
        }
        expect(response.status).toBe(204);
        const sessionId = sessionFrom(response);
        expect(sessionId).toBeDefined();
        const { Item } = await documents.send(new GetCommand({ TableName: stack().tableName, Key: keys.session(sessionId!) }));
        const record = sessionFirstRecord(Item!);
        expect(record?.url).toBe(url);
        // An empty props object is not kept (nothing to store): the same as none.
        const expected = Object.keys(parsed.output.props ?? {}).length === 0 ? undefined : parsed.output.props;
        expect(record?.props).toEqual(expected);
      }),
      RUNS,
    );
  }, 300_000);
});
