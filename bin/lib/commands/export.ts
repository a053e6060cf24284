import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { ScanCommand, type ScanCommandOutput } from '@aws-sdk/lib-dynamodb';
import type { TableContext } from '../../../layers/core/src/store/client';
import { parseIsoDate } from '../dates';
import { UsageError } from '../errors';
import { CSV_COLUMNS, csvValues, EXPORT_TYPES, exportRecord, scanFilter, type ExportType, type Item, type TimeRange } from '../export-types';
import { csvRow } from '../csv';
import { progressBar } from '../progress';
import { stringValue, type Command } from './command';

export const EXPORT_FORMATS = ['jsonl', 'csv'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** DynamoDB allows up to 1,000,000 segments; beyond a few dozen a CLI only adds throttling. */
const MAX_SEGMENTS = 64;

export interface ExportOptions extends TimeRange {
  readonly type: ExportType;
  readonly format: ExportFormat;
  /** Parallel Scan segments (1 = one sequential scan). */
  readonly segments: number;
  /** Scan `Limit` (items evaluated per page); DynamoDB's 1 MB page when undefined. */
  readonly pageSize?: number;
}

export interface ExportResult {
  readonly exported: number;
  readonly scanned: number;
}

/**
 * Streams one item type within [since, until) to `output` as JSONL or CSV in constant memory:
 * each Scan segment holds at most the page being written and the next one being read, and waits
 * for the stream to drain (backpressure) before asking for more.
 * @example await exportItems(table, { type: 'activity', format: 'jsonl', segments: 1 }, createWriteStream('a.jsonl'))
 */
export async function exportItems(
  table: TableContext,
  options: ExportOptions,
  output: NodeJS.WritableStream,
  onPage: (progress: ExportResult) => void = () => undefined,
): Promise<ExportResult> {
  const sink = writer(output);
  const filter = scanFilter(options.type, options);
  const serialise =
    options.format === 'jsonl'
      ? (item: Item) => `${JSON.stringify(exportRecord(options.type, item))}\n`
      : (item: Item) => csvRow(csvValues(options.type, exportRecord(options.type, item)));
  if (options.format === 'csv') await sink.write(csvRow(CSV_COLUMNS[options.type]));
  let exported = 0;
  let scanned = 0;
  let failed = false;
  const scanPage = (segment: number, start: Record<string, unknown> | undefined): Promise<ScanCommandOutput> =>
    table.client.send(
      new ScanCommand({
        TableName: table.tableName,
        ...filter,
        ExclusiveStartKey: start,
        Limit: options.pageSize,
        ...(options.segments > 1 ? { Segment: segment, TotalSegments: options.segments } : {}),
      }),
    );
  const scanSegment = async (segment: number): Promise<void> => {
    let next: Promise<ScanCommandOutput> | undefined = scanPage(segment, undefined);
    while (next !== undefined && !failed) {
      const page: ScanCommandOutput = await next;
      // Read the next page while this one is written; never more than these two per segment.
      next = page.LastEvaluatedKey === undefined ? undefined : scanPage(segment, page.LastEvaluatedKey);
      next?.catch(() => undefined); // awaited on the next turn; a failure meanwhile must not be unhandled
      const items = page.Items ?? [];
      if (items.length > 0) await sink.write(items.map(serialise).join(''));
      exported += items.length;
      scanned += page.ScannedCount ?? 0;
      onPage({ exported, scanned });
    }
  };
  await Promise.all(
    Array.from({ length: options.segments }, (_, segment) =>
      scanSegment(segment).catch((error: unknown) => {
        failed = true; // the other segments stop at their next page
        throw error;
      }),
    ),
  );
  return { exported, scanned };
}

/** Writes that wait for `drain` when the stream's buffer is full, and surface its errors. */
function writer(stream: NodeJS.WritableStream): { write(chunk: string): Promise<void> } {
  let streamError: unknown;
  stream.on('error', (error: unknown) => {
    streamError ??= error;
  });
  return {
    async write(chunk) {
      if (streamError !== undefined) throw streamError;
      if (stream.write(chunk)) return;
      await new Promise<void>((resolve, reject) => {
        const settle = (error?: unknown): void => {
          stream.off('drain', onDrain);
          stream.off('error', settle);
          if (error === undefined) resolve();
          else reject(error);
        };
        const onDrain = (): void => settle();
        stream.on('drain', onDrain);
        stream.on('error', settle);
      });
    },
  };
}

export interface ExportInput extends Omit<ExportOptions, 'segments'> {
  /** Undefined: 4 against a remote table, 1 locally (dynalite is one process; segments only contend). */
  readonly segments?: number;
  /** Undefined or `-`: standard output. */
  readonly out?: string;
}

export const exportCommand: Command<ExportInput> = {
  name: 'export',
  summary: 'stream activity, fingerprints or sessions to JSONL or CSV',
  help: [
    'edgeprint export --type activity|fingerprints|sessions [--since ISO] [--until ISO]',
    '                 [--format jsonl|csv] [--out FILE] [--segments N]',
    '',
    '  --type       activity rows, fingerprints (request and browser records, including each',
    '               session\'s first one) or sessions (with first-touch attribution)',
    '  --since      first instant included, ISO-8601 (2024-05-01 or 2024-05-01T12:00:00Z; UTC when no offset)',
    '  --until      first instant excluded; both default to unbounded',
    '  --format     jsonl (default: every stored attribute) or csv (fixed columns per type, RFC 4180)',
    '  --out        file to write (written to FILE.partial, renamed when complete); default standard output',
    '  --segments   parallel Scan segments; default 4 against AWS, 1 locally',
  ].join('\n'),
  options: {
    type: { type: 'string' },
    since: { type: 'string' },
    until: { type: 'string' },
    format: { type: 'string', default: 'jsonl' },
    out: { type: 'string' },
    segments: { type: 'string' },
  },
  positionals: false,
  parse(values) {
    const type = stringValue(values, 'type');
    if (type === undefined) throw new UsageError(`--type is required: ${EXPORT_TYPES.join(', ')}`);
    if (!(EXPORT_TYPES as readonly string[]).includes(type)) throw new UsageError(`--type must be one of ${EXPORT_TYPES.join(', ')}, got "${type.slice(0, 40)}"`);
    const format = stringValue(values, 'format') ?? 'jsonl';
    if (!(EXPORT_FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format must be jsonl or csv, got "${format.slice(0, 40)}"`);
    const sinceText = stringValue(values, 'since');
    const untilText = stringValue(values, 'until');
    const since = sinceText === undefined ? undefined : parseIsoDate(sinceText, '--since');
    const until = untilText === undefined ? undefined : parseIsoDate(untilText, '--until');
    if (since !== undefined && until !== undefined && until <= since) throw new UsageError(`--until (${until}) must be after --since (${since})`);
    const segmentsText = stringValue(values, 'segments');
    let segments: number | undefined;
    if (segmentsText !== undefined) {
      segments = Number(segmentsText);
      if (!/^\d+$/.test(segmentsText) || segments < 1 || segments > MAX_SEGMENTS) throw new UsageError(`--segments must be a whole number from 1 to ${MAX_SEGMENTS}`);
    }
    const out = stringValue(values, 'out');
    if (out === '') throw new UsageError('--out needs a file name (or - for standard output)');
    return { type: type as ExportType, format: format as ExportFormat, since, until, segments, out };
  },
  async run(target, input, io) {
    const total = await approximateItemCount(target.table);
    const toFile = input.out !== undefined && input.out !== '-';
    const partial = `${input.out}.partial`;
    const output = toFile ? createWriteStream(partial) : io.stdout;
    const bar = progressBar(io.stderr, total);
    const started = Date.now();
    let result: ExportResult;
    try {
      result = await exportItems(target.table, { ...input, segments: input.segments ?? (target.remote ? 4 : 1) }, output, (progress) =>
        bar.update(progress.scanned, progress.exported),
      );
      bar.done();
      if (toFile) {
        await finish(output);
        await rename(partial, input.out!);
      }
    } catch (error) {
      if (toFile) {
        (output as ReturnType<typeof createWriteStream>).destroy();
        await rm(partial, { force: true });
      }
      // `edgeprint export … | head`: the reader closed the pipe because it has what it wanted.
      if (!toFile && (error as { code?: unknown }).code === 'EPIPE') return;
      throw error;
    }
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    io.stderr.write(
      `exported ${result.exported.toLocaleString('en')} ${input.type} records to ${toFile ? input.out : 'standard output'} ` +
        `(scanned ${result.scanned.toLocaleString('en')} items in ${seconds} s)\n`,
    );
  },
};

/** The table's item count for the progress bar (AWS refreshes it about every 6 hours). Also fails early on a missing table. */
async function approximateItemCount(table: TableContext): Promise<number | undefined> {
  try {
    const { Table } = await table.client.send(new DescribeTableCommand({ TableName: table.tableName }));
    return Table?.ItemCount;
  } catch (error) {
    if (error instanceof Error && error.name === 'AccessDeniedException') return undefined; // a read-only role may lack DescribeTable
    throw error;
  }
}

function finish(stream: NodeJS.WritableStream): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.once('error', reject);
    stream.end(() => resolve());
  });
}
