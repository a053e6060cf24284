import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { exportCommand, exportItems, type ExportFormat } from '../../../../bin/lib/commands/export';
import type { ExportType } from '../../../../bin/lib/export-types';
import { memoryIo, parseCsv, useTestTable } from '../../cli-helpers';
import { HOSTILE, RETENTION_DAYS, seed, within, type Seeded } from '../../seed';

/**
 * In-process runs of the export against dynalite. Expectations are built from what `seed()` wrote,
 * not from the exporter's own mapping, and both formats are read back by independent parsers.
 */

const table = useTestTable();
let seeded: Seeded;
beforeAll(async () => {
  seeded = await seed(table().table);
});

const expires = (at: string) => Math.floor(Date.parse(at) / 1000) + RETENTION_DAYS * 86400;

/** What each type's export must contain for a range, as plain JSON records. */
function expected(type: ExportType, since?: string, until?: string): Record<string, unknown>[] {
  switch (type) {
    case 'activity':
      return seeded.activity
        .filter((row) => within(row.at.toISOString(), since, until))
        .map((row) =>
          clean({
            type: 'activity',
            eventId: row.eventId,
            at: row.at.toISOString(),
            date: row.date,
            path: row.path,
            referer: row.referer,
            sessionId: row.sessionId,
            userId: row.userId,
            ip: row.ip,
            userAgent: row.userAgent,
            expiresAt: expires(row.at.toISOString()),
          }),
        );
    case 'fingerprints':
      return seeded.records
        .filter((record) => within(record.at.toISOString(), since, until))
        .map((record) =>
          clean({
            type: record.kind === 'request' ? 'request_fingerprint' : 'browser_event',
            eventId: record.eventId,
            sessionId: record.sessionId,
            at: record.at.toISOString(),
            url: record.url,
            fp: record.fingerprint?.id,
            fpv: record.fingerprint?.version,
            ip: record.signals?.ip,
            country: record.signals?.country,
            headers: record.signals?.headers,
            gpc: record.gpc ? true : undefined,
            ...(record.kind === 'event'
              ? { event: record.event, visitorId: record.visitorId, confidence: record.confidence, referrer: record.referrer, title: record.title, props: record.props }
              : {}),
            expiresAt: expires(record.at.toISOString()),
          }),
        );
    case 'sessions':
      return seeded.sessions
        .filter((session) => within(session.createdAt, since, until))
        .map((session) => ({ sessionId: session.sessionId, createdAt: session.createdAt, firstTouch: session.touch }));
  }
}

function clean(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined));
}

const byId = (record: Record<string, unknown>) => String(record.eventId ?? record.sessionId);
const sortById = (records: Record<string, unknown>[]) => [...records].sort((a, b) => byId(a).localeCompare(byId(b)));

async function exportToText(type: ExportType, format: ExportFormat, options: { since?: string; until?: string; segments?: number; pageSize?: number } = {}) {
  const output = new PassThrough();
  let text = '';
  output.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
  const result = await exportItems(table().table, { type, format, segments: 1, ...options }, output);
  output.end();
  return { text, result };
}

const CSV_HEADERS: Record<ExportType, string> = {
  activity: 'at,eventId,sessionId,userId,date,path,referer,ip,userAgent,expiresAt',
  fingerprints: 'at,type,eventId,sessionId,url,event,fp,fpv,visitorId,confidence,ip,country,asn,gpc,referrer,title,headers,props,expiresAt',
  sessions: 'createdAt,sessionId,userId,landingUrl,referrer,utmSource,utmMedium,utmCampaign,utmTerm,utmContent,gclid,fbclid,expiresAt',
};

/** A CSV cell as a spreadsheet-safe writer must produce it from a value. */
function cell(value: unknown): string {
  if (value === undefined) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  const text = String(value);
  return typeof value === 'string' && /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

describe('exportItems()', () => {
  const types: ExportType[] = ['activity', 'fingerprints', 'sessions'];

  it.each(types)('exports every %s record as JSONL, with the stored attributes and no table keys', async (type) => {
    const { text, result } = await exportToText(type, 'jsonl');
    const lines = text.split('\n');
    expect(lines.pop()).toBe('');
    const records = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(records.length).toBeGreaterThan(0);
    expect(result.exported).toBe(records.length);
    for (const record of records) for (const key of ['pk', 'sk', 'gsi1pk', 'gsi1sk']) expect(record).not.toHaveProperty(key);
    if (type === 'sessions') {
      expect(sortById(records)).toEqual(sortById(expected(type)).map((session) => expect.objectContaining(session)));
      // The session item's own first record comes along in JSONL; expiry is the session's.
      for (const record of records) expect(record.expiresAt).toBe(expires(String(record.createdAt)));
    } else {
      expect(sortById(records)).toEqual(sortById(expected(type)));
    }
  });

  it.each(types)('exports %s as CSV with its fixed header, every value quoted so a CSV reader gets it back', async (type) => {
    const { text } = await exportToText(type, 'csv');
    const [header, ...rows] = parseCsv(text);
    expect(header!.join(',')).toBe(CSV_HEADERS[type]);
    const columns = CSV_HEADERS[type].split(',');
    const want = expected(type).map((record) => {
      const touch = (record.firstTouch ?? {}) as Record<string, unknown>;
      const withExpiry = type === 'sessions' ? { ...record, expiresAt: expires(String(record.createdAt)) } : record;
      return columns.map((column) => cell((withExpiry as Record<string, unknown>)[column] ?? touch[column]));
    });
    const idColumn = columns.indexOf(type === 'sessions' ? 'sessionId' : 'eventId');
    const sort = (table: string[][]) => [...table].sort((a, b) => a[idColumn]!.localeCompare(b[idColumn]!));
    expect(sort(rows)).toEqual(sort(want));
  });

  it('keeps hostile text intact in CSV: commas, quotes and line breaks quoted, formulas defused', async () => {
    const { text } = await exportToText('activity', 'csv');
    const rows = parseCsv(text);
    const path = rows[0]!.indexOf('path');
    const referer = rows[0]!.indexOf('referer');
    const userAgent = rows[0]!.indexOf('userAgent');
    expect(rows.map((row) => row[path])).toEqual(expect.arrayContaining([HOSTILE.comma, HOSTILE.unicode]));
    expect(rows.map((row) => row[userAgent])).toContain(HOSTILE.newline);
    expect(rows.map((row) => row[referer])).toContain(`'${HOSTILE.formula}`);
    // Every record has the header's width: no value split a row.
    for (const row of rows) expect(row).toHaveLength(rows[0]!.length);
  });

  it.each(types)('exports only %s inside [since, until): since included, until excluded', async (type) => {
    const since = '2024-02-01T00:00:00.000Z';
    const until = '2024-03-01T00:00:00.000Z';
    const { text } = await exportToText(type, 'jsonl', { since, until });
    const records = text.trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
    const want = expected(type, since, until);
    expect(want.length).toBeGreaterThan(0);
    expect(want.length).toBeLessThan(expected(type).length);
    expect(sortById(records).map(byId)).toEqual(sortById(want).map(byId));
  });

  it('exports the same records over many small pages and parallel segments, each once', async () => {
    const whole = await exportToText('fingerprints', 'jsonl');
    const paged = await exportToText('fingerprints', 'jsonl', { segments: 3, pageSize: 2 });
    const ids = (text: string) => text.trim().split('\n').map((line) => byId(JSON.parse(line) as Record<string, unknown>)).sort();
    expect(ids(paged.text)).toEqual(ids(whole.text));
    expect(new Set(ids(paged.text)).size).toBe(ids(paged.text).length);
    expect(paged.result.scanned).toBe(whole.result.scanned);
  });

  it('waits for a full output to drain before reading past the next page (backpressure)', async () => {
    let scans = 0;
    table().table.client.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'ScanCommand') scans += 1;
        return next(args);
      },
      { step: 'initialize', name: 'countScansForTest' },
    );
    try {
      // A stream that accepts one chunk and then holds it until released.
      let release: (() => void) | undefined;
      let chunks = 0;
      const held = new Writable({
        highWaterMark: 1,
        write(_chunk, _encoding, callback) {
          chunks += 1;
          release = callback;
        },
      });
      const exporting = exportItems(table().table, { type: 'activity', format: 'jsonl', segments: 1, pageSize: 1 }, held);
      await new Promise((resolve) => setTimeout(resolve, 300));
      // One page written and stuck, one read ahead: nothing more however long the output is stuck.
      expect(chunks).toBe(1);
      expect(scans).toBeLessThanOrEqual(2);
      const scansWhileStuck = scans;
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(scans).toBe(scansWhileStuck);
      const drainForever = setInterval(() => {
        const callback = release;
        release = undefined;
        callback?.();
      }, 1);
      const result = await exporting.finally(() => clearInterval(drainForever));
      expect(result.exported).toBe(seeded.activity.length);
      expect(scans).toBeGreaterThan(seeded.activity.length); // pageSize 1: one Scan per evaluated item at least
    } finally {
      table().table.client.middlewareStack.remove('countScansForTest');
    }
  });
});

describe('exportCommand', () => {
  it('refuses a bad date, a reversed range, an unknown type or format before touching the table', () => {
    expect(() => exportCommand.parse({ type: 'activity', since: '2024-02-30' }, [])).toThrow('--since must be an ISO-8601 date');
    expect(() => exportCommand.parse({ type: 'activity', until: 'yesterday' }, [])).toThrow('--until must be an ISO-8601 date');
    expect(() => exportCommand.parse({ type: 'activity', since: '2024-03-01', until: '2024-02-01' }, [])).toThrow('--until (2024-02-01T00:00:00.000Z) must be after --since');
    expect(() => exportCommand.parse({ type: 'users' }, [])).toThrow('--type must be one of activity, fingerprints, sessions');
    expect(() => exportCommand.parse({}, [])).toThrow('--type is required');
    expect(() => exportCommand.parse({ type: 'activity', format: 'xml' }, [])).toThrow('--format must be jsonl or csv');
    expect(() => exportCommand.parse({ type: 'activity', segments: '0' }, [])).toThrow('--segments must be a whole number from 1 to 64');
    expect(exportCommand.parse({ type: 'sessions', since: '2024-02-01T01:00:00+01:00' }, [])).toMatchObject({ since: '2024-02-01T00:00:00.000Z', format: 'jsonl' });
  });

  it('writes to standard output with a summary on stderr and no progress bar off a terminal', async () => {
    const io = memoryIo();
    await exportCommand.run(table().target, exportCommand.parse({ type: 'activity', format: 'jsonl' }, []), io);
    expect(io.out().trim().split('\n')).toHaveLength(seeded.activity.length);
    expect(io.err()).toMatch(/^exported 6 activity records to standard output \(scanned \d+ items in [\d.]+ s\)\n$/);
  });

  it('writes FILE.partial and renames it when done; a failed export leaves no file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'edgeprint-export-'));
    try {
      const out = join(dir, 'fingerprints.jsonl');
      await exportCommand.run(table().target, exportCommand.parse({ type: 'fingerprints', out }, []), memoryIo());
      expect(readdirSync(dir)).toEqual(['fingerprints.jsonl']);
      const missing = { ...table().target, table: { ...table().table, tableName: 'no-such-table' } };
      await expect(exportCommand.run(missing, exportCommand.parse({ type: 'activity', out: join(dir, 'never.jsonl') }, []), memoryIo())).rejects.toThrow(
        expect.objectContaining({ name: 'ResourceNotFoundException' }),
      );
      const unwritable = join(dir, 'no-such-dir', 'a.jsonl');
      await expect(exportCommand.run(table().target, exportCommand.parse({ type: 'activity', out: unwritable }, []), memoryIo())).rejects.toThrow(/ENOENT/);
      expect(readdirSync(dir)).toEqual(['fingerprints.jsonl']);
      expect(existsSync(`${unwritable}.partial`)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('stops quietly when standard output is closed by its reader (`| head`)', async () => {
    const closed = new Writable({
      write(_chunk, _encoding, callback) {
        callback(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
      },
    });
    const io = { ...memoryIo(), stdout: closed };
    await expect(exportCommand.run(table().target, exportCommand.parse({ type: 'activity' }, []), io)).resolves.toBeUndefined();
    expect(io.err()).toBe('');
  });

  it('shows progress on a terminal (counts only: dynalite reports no item count for a percentage)', async () => {
    const io = memoryIo({ tty: true });
    await exportCommand.run(table().target, exportCommand.parse({ type: 'sessions', format: 'csv' }, []), io);
    expect(io.err()).toMatch(/\r\x1b\[Kscanned [\d,]+, exported 3  [\d.]+ s\n/);
    expect(parseCsv(io.out())).toHaveLength(1 + seeded.sessions.length);
  });
});
