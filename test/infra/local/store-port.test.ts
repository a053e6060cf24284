import { MessageChannel } from 'node:worker_threads';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { startEmbeddedDynamo, type EmbeddedDynamo } from '../../../infra/local/embedded-dynamodb';
import { inProcessHandler } from '../../../infra/local/in-process-dynamodb';
import { portRequestHandler, serveStoreOverPort } from '../../../infra/local/store-port';

/**
 * The cross-thread store handler (a worker's SDK clients → the embedded dynalite of the thread that
 * owns it) answers like the in-process one: the same results, the same errors. The two ends of a
 * MessageChannel behave the same within one thread as across two; the worker itself runs in every
 * local-stack test (the queue consumer's thread).
 */
describe('portRequestHandler() over serveStoreOverPort()', () => {
  let dynamo: EmbeddedDynamo;
  const channel = new MessageChannel();
  let stopServing: () => void;
  beforeAll(async () => {
    dynamo = await startEmbeddedDynamo();
    stopServing = serveStoreOverPort(channel.port1, inProcessHandler(dynamo.server));
  });
  afterAll(async () => {
    stopServing();
    channel.port1.close();
    await dynamo.close();
  });

  const client = (requestHandler: unknown) =>
    DynamoDBDocumentClient.from(
      new DynamoDBClient({ region: 'us-east-1', endpoint: dynamo.endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, requestHandler: requestHandler as never }),
    );

  /** One scenario of calls; returns what each answered (without request ids) or the error's name. */
  async function scenario(db: DynamoDBDocumentClient, table: string): Promise<unknown[]> {
    const outcomes: unknown[] = [];
    const run = async (call: () => Promise<Record<string, unknown>>) => {
      try {
        const { $metadata: _metadata, ...rest } = await call();
        outcomes.push(rest);
      } catch (error) {
        outcomes.push({ error: (error as Error).name, status: (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode });
      }
    };
    await run(() =>
      db.send(
        new CreateTableCommand({
          TableName: table,
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: [
            { AttributeName: 'pk', AttributeType: 'S' },
            { AttributeName: 'sk', AttributeType: 'S' },
          ],
          KeySchema: [
            { AttributeName: 'pk', KeyType: 'HASH' },
            { AttributeName: 'sk', KeyType: 'RANGE' },
          ],
        }),
      ).then(({ TableDescription, $metadata }) => ({ $metadata, keys: TableDescription?.KeySchema })),
    );
    // dynalite creates the table a moment later: wait until it is active, as ensureTable() does.
    for (let attempt = 0; attempt < 100; attempt += 1) {
      const { Table } = await db.send(new DescribeTableCommand({ TableName: table }));
      if (Table?.TableStatus === 'ACTIVE') break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await run(() => db.send(new PutCommand({ TableName: table, Item: { pk: 'a', sk: '1', text: 'é ✓ 🙂', n: 1 } })));
    await run(() => db.send(new PutCommand({ TableName: table, Item: { pk: 'a', sk: '2', n: 2 }, ConditionExpression: 'attribute_not_exists(pk)' })));
    await run(() => db.send(new PutCommand({ TableName: table, Item: { pk: 'a', sk: '2', n: 3 }, ConditionExpression: 'attribute_not_exists(pk)' })));
    await run(() => db.send(new UpdateCommand({ TableName: table, Key: { pk: 'a', sk: '1' }, UpdateExpression: 'ADD n :one', ExpressionAttributeValues: { ':one': 1 }, ReturnValues: 'ALL_NEW' })));
    await run(() => db.send(new GetCommand({ TableName: table, Key: { pk: 'a', sk: '1' } })));
    await run(() => db.send(new QueryCommand({ TableName: table, KeyConditionExpression: 'pk = :a', ExpressionAttributeValues: { ':a': 'a' } })));
    await run(() => db.send(new GetCommand({ TableName: 'no-such-table', Key: { pk: 'a', sk: '1' } })));
    await run(() => db.send(new PutCommand({ TableName: table, Item: { pk: 'a', sk: '3', big: 'x'.repeat(200_000) } })));
    await run(() => db.send(new PutCommand({ TableName: table, Item: { pk: 'a', sk: '4', big: 'x'.repeat(500_000) } })));
    return outcomes;
  }

  it('gives the same results and errors as the in-process handler, call for call', async () => {
    const inProcess = await scenario(client(inProcessHandler(dynamo.server)), 'in-process');
    const overPort = await scenario(client(portRequestHandler(channel.port2)), 'over-port');
    expect(overPort).toEqual(inProcess);
    // The scenario really exercised results and errors.
    expect(inProcess).toContainEqual({ error: 'ConditionalCheckFailedException', status: 400 });
    expect(inProcess).toContainEqual({ error: 'ResourceNotFoundException', status: 400 });
    expect(inProcess).toContainEqual({ Item: { pk: 'a', sk: '1', text: 'é ✓ 🙂', n: 2 } });
    expect(inProcess).toContainEqual({ error: 'ValidationException', status: 400 });
  });

  it('answers requests sent at once, each with its own answer', async () => {
    const db = client(portRequestHandler(channel.port2));
    await db.send(new PutCommand({ TableName: 'over-port', Item: { pk: 'many', sk: '0' } }));
    await Promise.all(Array.from({ length: 50 }, (_, index) => db.send(new PutCommand({ TableName: 'over-port', Item: { pk: 'many', sk: String(index), index } }))));
    const answers = await Promise.all(Array.from({ length: 50 }, (_, index) => db.send(new GetCommand({ TableName: 'over-port', Key: { pk: 'many', sk: String(index) } }))));
    expect(answers.map((answer) => answer.Item?.index)).toEqual(Array.from({ length: 50 }, (_, index) => index));
  });

  it('fails a pending request when the store side closes the port, instead of hanging', async () => {
    const other = new MessageChannel();
    const db = client(portRequestHandler(other.port2));
    const call = db.send(new GetCommand({ TableName: 'over-port', Key: { pk: 'a', sk: '1' } }));
    other.port1.close(); // nobody serves this channel: the close is the only answer
    await expect(call).rejects.toThrow(/closed the port/);
  });
});
