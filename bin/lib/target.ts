import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { startEmbeddedDynamo, type EmbeddedDynamo } from '../../infra/local/embedded-dynamodb';
import type { TableContext } from '../../layers/core/src/store/client';
import { isLoopback } from '../../layers/core/src/store/client';
import { CliError, UsageError, type TargetDescription } from './errors';
import type { CliIo } from './io';

/** The table `npm start` creates. */
export const LOCAL_TABLE = 'edgeprint-local';

export interface TargetOptions {
  readonly table?: string;
  readonly region?: string;
  readonly endpoint?: string;
}

/** An open connection to the table a command works on. */
export interface Target extends TargetDescription {
  readonly table: TableContext;
  /** A real DynamoDB (AWS or a non-loopback endpoint), where parallel scan segments pay off. */
  readonly remote: boolean;
  close(): Promise<void>;
}

/** What `npm start` writes to `.edgeprint/local.json` (infra/local/main.ts). */
interface LocalStackFile {
  readonly dynamodbEndpoint?: string;
  readonly tableName?: string;
}

/**
 * Opens the table: `--endpoint` (any DynamoDB endpoint), `--table`/`--region` (AWS, standard
 * credential chain), or by default the local store: the running `npm start`'s DynamoDB, or the
 * store under `.edgeprint/dynamodb` started in this process when no server holds it.
 * @example const target = await openTarget({ table: 'edgeprint-prod', region: 'eu-west-1' }, processIo())
 */
export async function openTarget(options: TargetOptions, io: CliIo): Promise<Target> {
  if (options.endpoint !== undefined) {
    return connect({ endpoint: endpointUrl(options.endpoint), tableName: options.table ?? LOCAL_TABLE, region: options.region ?? envRegion(io) });
  }
  if (options.table !== undefined || options.region !== undefined) {
    if (options.table === undefined) throw new UsageError('--region needs --table NAME (the deployed table)');
    return connect({ tableName: options.table, region: options.region ?? envRegion(io) });
  }
  return openLocalStore(io);
}

function envRegion(io: CliIo): string | undefined {
  return io.env.AWS_REGION ?? io.env.AWS_DEFAULT_REGION;
}

function endpointUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`--endpoint must be an http(s) URL such as http://127.0.0.1:8000, got "${value}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`--endpoint must be an http(s) URL, got "${value}"`);
  return url.origin;
}

async function connect(options: { tableName: string; region?: string; endpoint?: string; onClose?: () => Promise<void> }): Promise<Target> {
  const loopback = options.endpoint !== undefined && isLoopback(options.endpoint);
  const client = new DynamoDBClient({
    // Locally any region will do; against AWS the SDK also looks in the profile's config.
    region: options.region ?? (options.endpoint !== undefined ? 'us-east-1' : undefined),
    endpoint: options.endpoint,
    ...(loopback
      ? { credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 3 }
      : { retryMode: 'adaptive', maxAttempts: 10 }), // adaptive: long scans back off instead of failing on throttling
  });
  let region: string;
  try {
    region = await client.config.region();
  } catch {
    client.destroy();
    throw new CliError('no AWS region: give --region (for example --region eu-west-1) or set AWS_REGION');
  }
  return {
    table: { client: DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } }), tableName: options.tableName },
    tableName: options.tableName,
    region,
    endpoint: options.endpoint,
    remote: !loopback,
    close: async () => {
      client.destroy();
      await options.onClose?.();
    },
  };
}

/** The local store: the running server's endpoint when it answers, else the on-disk store opened here. */
async function openLocalStore(io: CliIo): Promise<Target> {
  const dataDir = io.env.EDGEPRINT_DATA_DIR ?? join(io.cwd, '.edgeprint');
  const running = readLocalStackFile(join(dataDir, 'local.json'));
  const tableName = running?.tableName ?? LOCAL_TABLE;
  if (running?.dynamodbEndpoint !== undefined && (await answers(running.dynamodbEndpoint))) {
    return connect({ endpoint: running.dynamodbEndpoint, tableName });
  }
  const path = join(dataDir, 'dynamodb');
  if (!existsSync(path)) {
    throw new CliError(`no local store in ${dataDir}: run \`npm start\` once, or give --endpoint URL, or --table NAME --region R for a deployed table`);
  }
  // dynalite's LevelDB allows one process: fail clearly rather than let dynalite crash on the lock.
  if (!(await storeIsFree(path))) {
    throw new CliError(
      `the local store ${path} is in use by another process (a running \`npm start\`?) that published no endpoint in ${join(dataDir, 'local.json')}; ` +
        'restart it, or stop it, or give --endpoint URL',
    );
  }
  const dynamo: EmbeddedDynamo = await startEmbeddedDynamo({ path });
  return connect({ endpoint: dynamo.endpoint, tableName, onClose: () => dynamo.close() });
}

function readLocalStackFile(file: string): LocalStackFile | undefined {
  try {
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    const { dynamodbEndpoint, tableName } = parsed as Record<string, unknown>;
    return {
      dynamodbEndpoint: typeof dynamodbEndpoint === 'string' ? dynamodbEndpoint : undefined,
      tableName: typeof tableName === 'string' ? tableName : undefined,
    };
  } catch {
    return undefined; // no server ran here, or the file is being rewritten
  }
}

/** True when a DynamoDB answers at the endpoint (a stale local.json points at a dead port). */
async function answers(endpoint: string): Promise<boolean> {
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
    requestHandler: { connectionTimeout: 1000, requestTimeout: 3000 },
  });
  try {
    await client.send(new ListTablesCommand({ Limit: 1 }));
    return true;
  } catch {
    return false;
  } finally {
    client.destroy();
  }
}

interface LevelDatabase {
  open(): Promise<void>;
  close(): Promise<void>;
}

/** Opens and closes the LevelDB once: it fails when another process holds its lock. */
async function storeIsFree(path: string): Promise<boolean> {
  // dynalite's own `level`, so the probe and dynalite always agree on the format.
  const levelPath = require.resolve('level', { paths: [dirname(require.resolve('dynalite'))] });
  const { Level } = require(levelPath) as { Level: new (location: string) => LevelDatabase };
  const db = new Level(path);
  try {
    await db.open();
  } catch {
    return false;
  }
  await db.close();
  return true;
}
