import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CliError, UsageError } from '../../../bin/lib/errors';
import { LOCAL_TABLE, openTarget } from '../../../bin/lib/target';
import { ensureTable, startEmbeddedDynamo } from '../../../infra/local/embedded-dynamodb';
import { getHitCounts } from '../../../layers/core/src/store/hits/get-hit-counts';
import { incrementHitCounter } from '../../../layers/core/src/store/hits/increment-hit-counter';
import { createTableContext } from '../../../layers/core/src/store/client';
import { memoryIo } from '../cli-helpers';

const URL_A = 'https://shop.example/target-test';

/** A data directory like `npm start` leaves: `dynamodb/` with the local table and one counted url. */
async function dataDirWithStore(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'edgeprint-cli-'));
  const dynamo = await startEmbeddedDynamo({ path: join(dir, 'dynamodb') });
  await ensureTable(dynamo.endpoint, LOCAL_TABLE, 'us-east-1');
  const table = createTableContext({ tableName: LOCAL_TABLE, region: 'us-east-1', endpoint: dynamo.endpoint });
  await incrementHitCounter(table, URL_A);
  table.client.destroy();
  await dynamo.close();
  return dir;
}

describe('openTarget()', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('opens the store under the data directory in-process when no server runs, and releases it on close', async () => {
    const dir = await dataDirWithStore();
    dirs.push(dir);
    const io = memoryIo({ env: { EDGEPRINT_DATA_DIR: dir } });
    const target = await openTarget({}, io);
    expect(target).toMatchObject({ tableName: LOCAL_TABLE, remote: false });
    expect((await getHitCounts(target.table, [URL_A])).get(URL_A)).toBe(1);
    await target.close();
    // Closed means unlocked: a second open works.
    const again = await openTarget({}, io);
    expect((await getHitCounts(again.table, [URL_A])).get(URL_A)).toBe(1);
    await again.close();
  });

  it('talks to the running server through local.json while the server holds the store', async () => {
    const dir = await dataDirWithStore();
    dirs.push(dir);
    const server = await startEmbeddedDynamo({ path: join(dir, 'dynamodb') }); // plays `npm start`, holding the lock
    try {
      const io = memoryIo({ env: { EDGEPRINT_DATA_DIR: dir } });
      await expect(openTarget({}, io)).rejects.toThrow(CliError);
      await expect(openTarget({}, io)).rejects.toThrow(/the local store .*dynamodb is in use by another process/);

      writeFileSync(join(dir, 'local.json'), JSON.stringify({ url: 'http://127.0.0.1:3000', dynamodbEndpoint: server.endpoint, tableName: LOCAL_TABLE }));
      const target = await openTarget({}, io);
      expect(target.endpoint).toBe(server.endpoint);
      expect((await getHitCounts(target.table, [URL_A])).get(URL_A)).toBe(1);
      await target.close();
    } finally {
      await server.close();
    }
  });

  it('ignores a stale local.json (its server is gone) and opens the store itself', async () => {
    const dir = await dataDirWithStore();
    dirs.push(dir);
    const gone = await startEmbeddedDynamo();
    await gone.close();
    writeFileSync(join(dir, 'local.json'), JSON.stringify({ dynamodbEndpoint: gone.endpoint, tableName: LOCAL_TABLE }));
    const target = await openTarget({}, memoryIo({ env: { EDGEPRINT_DATA_DIR: dir } }));
    expect(target.endpoint).not.toBe(gone.endpoint);
    expect((await getHitCounts(target.table, [URL_A])).get(URL_A)).toBe(1);
    await target.close();
  });

  it('says how to get a store when there is none', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'edgeprint-cli-empty-'));
    dirs.push(dir);
    await expect(openTarget({}, memoryIo({ env: { EDGEPRINT_DATA_DIR: dir } }))).rejects.toThrow(`no local store in ${dir}: run \`npm start\` once`);
  });

  it('uses --endpoint as given, and AWS with --table; --region alone or a bad endpoint is a usage error', async () => {
    const endpoint = await openTarget({ endpoint: 'http://127.0.0.1:9/', table: 'x-table' }, memoryIo());
    expect(endpoint).toMatchObject({ endpoint: 'http://127.0.0.1:9', tableName: 'x-table', region: 'us-east-1', remote: false });
    await endpoint.close();
    const aws = await openTarget({ table: 'prod-table', region: 'eu-west-3' }, memoryIo());
    expect(aws).toMatchObject({ endpoint: undefined, tableName: 'prod-table', region: 'eu-west-3', remote: true });
    await aws.close();
    const fromEnv = await openTarget({ table: 'prod-table' }, memoryIo({ env: { AWS_REGION: 'ap-south-1' } }));
    expect(fromEnv.region).toBe('ap-south-1');
    await fromEnv.close();
    await expect(openTarget({ region: 'eu-west-3' }, memoryIo())).rejects.toThrow(UsageError);
    await expect(openTarget({ endpoint: 'not a url' }, memoryIo())).rejects.toThrow('--endpoint must be an http(s) URL');
  });
});
