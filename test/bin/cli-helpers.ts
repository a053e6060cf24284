import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { ensureTable, startEmbeddedDynamo, type EmbeddedDynamo } from '../../infra/local/embedded-dynamodb';
import { createTableContext, type TableContext } from '../../layers/core/src/store/client';
import type { CliIo } from '../../bin/lib/io';
import type { Target } from '../../bin/lib/target';

export const REPO = join(__dirname, '..', '..');
export const CLI = join(REPO, 'bin', 'edgeprint.js');

export interface TestTable {
  readonly endpoint: string;
  readonly tableName: string;
  readonly table: TableContext;
  /** The same table as a CLI target, for in-process runs of the command modules. */
  readonly target: Target;
}

/** A table of the real shape (infra/local/embedded-dynamodb.ts) in a dynalite started for this test file. */
export function useTestTable(options: { path?: string } = {}): () => TestTable {
  let dynamo: EmbeddedDynamo | undefined;
  let current: TestTable | undefined;
  beforeAll(async () => {
    dynamo = await startEmbeddedDynamo({ path: options.path });
    const tableName = `edgeprint-cli-${randomBytes(4).toString('hex')}`;
    await ensureTable(dynamo.endpoint, tableName, 'us-east-1');
    const table = createTableContext({ tableName, region: 'us-east-1', endpoint: dynamo.endpoint });
    const target: Target = { table, tableName, region: 'us-east-1', endpoint: dynamo.endpoint, remote: false, close: async () => undefined };
    current = { endpoint: dynamo.endpoint, tableName, table, target };
  });
  afterAll(async () => {
    current?.table.client.destroy();
    await dynamo?.close();
  });
  return () => {
    if (current === undefined) throw new Error('test table not started');
    return current;
  };
}

export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the real CLI (`node bin/edgeprint.js`, TypeScript through tsx) as a child process. */
export function runCli(args: readonly string[], options: { env?: Record<string, string | undefined>; cwd?: string; nodeArgs?: string[] } = {}): Promise<CliRun> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries({ ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...options.env })) {
    if (value !== undefined) env[name] = value;
  }
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...(options.nodeArgs ?? []), CLI, ...args], { cwd: options.cwd ?? REPO, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

export interface MemoryIo extends CliIo {
  readonly out: () => string;
  readonly err: () => string;
}

/** CliIo over in-memory streams, for in-process runs; `tty` makes stderr look like a terminal. */
export function memoryIo(options: { env?: NodeJS.ProcessEnv; cwd?: string; tty?: boolean } = {}): MemoryIo {
  const collect = (stream: PassThrough) => {
    let text = '';
    stream.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
    return () => text;
  };
  const stdout = new PassThrough();
  const stderr = Object.assign(new PassThrough(), { isTTY: options.tty === true });
  return { stdout, stderr, env: options.env ?? {}, cwd: options.cwd ?? REPO, out: collect(stdout), err: collect(stderr) };
}

/** Every item of the table (test tables are small). */
export async function scanAll(table: TableContext): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await table.client.send(new ScanCommand({ TableName: table.tableName, ExclusiveStartKey: start }));
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start !== undefined);
  return items;
}

/**
 * An RFC 4180 reader, written for the tests so the CLI's CSV is checked by a parser that is not
 * its writer: quoted fields, doubled quotes, commas and line breaks inside quotes, CRLF records.
 */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i]!;
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      row.push(field);
      field = '';
    } else if (char === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i += 1;
    } else field += char;
  }
  if (field !== '' || row.length > 0) throw new Error(`CSV does not end with CRLF: ${JSON.stringify(text.slice(-40))}`);
  return rows;
}
