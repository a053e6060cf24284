import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { incrementHitCounter } from '../../layers/core/src/store/hits/increment-hit-counter';
import { parseCsv, runCli, scanAll, useTestTable } from './cli-helpers';
import { seed, SESSIONS, type Seeded } from './seed';

/**
 * The real CLI as a user runs it (`node bin/edgeprint.js`, a child process) against a dynalite
 * started here, through --endpoint and --table.
 */

const table = useTestTable();
let seeded: Seeded;
let work: string;
beforeAll(async () => {
  seeded = await seed(table().table);
  work = mkdtempSync(join(tmpdir(), 'edgeprint-cli-run-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

const where = () => ['--endpoint', table().endpoint, '--table', table().tableName];

describe('edgeprint (child process)', () => {
  it('prints help with every command, exit 0; no command at all is a usage error', async () => {
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    for (const command of ['hits', 'export', 'erase', 'link']) expect(help.stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
    const exportHelp = await runCli(['export', '--help']);
    expect(exportHelp.code).toBe(0);
    expect(exportHelp.stdout).toContain('--type activity|fingerprints|sessions');
    expect((await runCli([])).code).toBe(2);
  });

  it('refuses an unknown command, an unknown option and a bad date with exit 2 and a message', async () => {
    const command = await runCli(['exprot']);
    expect(command).toMatchObject({ code: 2, stdout: '' });
    expect(command.stderr).toContain('edgeprint: unknown command "exprot"; commands: hits, export, erase, link');
    const option = await runCli(['hits', '--urls', 'https://a.example/', ...where()]);
    expect(option.code).toBe(2);
    expect(option.stderr).toContain("Unknown option '--urls'");
    expect(option.stderr).toContain('Run "edgeprint hits --help" for usage.');
    const date = await runCli(['export', '--type', 'activity', '--since', '2024-02-30', ...where()]);
    expect(date.code).toBe(2);
    expect(date.stderr).toContain('--since must be an ISO-8601 date such as 2024-05-01 or 2024-05-01T12:00:00Z, got "2024-02-30"');
    expect(date.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('names a missing table and its region, exit 1, without creating the output file', async () => {
    const out = join(work, 'never.jsonl');
    const missing = await runCli(['export', '--type', 'activity', '--out', out, '--endpoint', table().endpoint, '--table', 'no-such-table', '--region', 'eu-west-3']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe(`edgeprint: table no-such-table not found in region eu-west-3 at ${table().endpoint}\n`);
    expect(existsSync(out)).toBe(false);
    expect(existsSync(`${out}.partial`)).toBe(false);
  });

  it('says how to configure AWS credentials when there are none, exit 1 (no request leaves the machine)', async () => {
    const home = mkdtempSync(join(tmpdir(), 'edgeprint-nohome-'));
    const run = await runCli(['hits', 'https://a.example/', '--table', 'edgeprint-prod', '--region', 'eu-west-1'], {
      env: {
        HOME: home,
        AWS_ACCESS_KEY_ID: undefined,
        AWS_SECRET_ACCESS_KEY: undefined,
        AWS_SESSION_TOKEN: undefined,
        AWS_PROFILE: undefined,
        AWS_CONFIG_FILE: join(home, 'none'),
        AWS_SHARED_CREDENTIALS_FILE: join(home, 'none'),
        AWS_WEB_IDENTITY_TOKEN_FILE: undefined,
        AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: undefined,
        AWS_CONTAINER_CREDENTIALS_FULL_URI: undefined,
        AWS_EC2_METADATA_DISABLED: 'true', // the instance-metadata provider would otherwise try 169.254.169.254
      },
    });
    rmSync(home, { recursive: true, force: true });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^edgeprint: no AWS credentials found\. Configure them with `aws configure`/);
  });

  it('hits: prints the counts of the urls given', async () => {
    const url = 'https://shop.example/cli-hits';
    await incrementHitCounter(table().table, url);
    await incrementHitCounter(table().table, url);
    const run = await runCli(['hits', url, 'https://shop.example/none', ...where()]);
    expect(run).toMatchObject({ code: 0, stdout: `2\t${url}\n0\thttps://shop.example/none\n` });
  });

  it('export: writes a JSONL and a CSV file that read back to the stored records, within the dates', async () => {
    const jsonl = join(work, 'activity.jsonl');
    const run = await runCli(['export', '--type', 'activity', '--since', '2024-02-01', '--until', '2024-03-01', '--out', jsonl, ...where()]);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/^exported 2 activity records to .*activity\.jsonl \(scanned \d+ items in [\d.]+ s\)\n$/); // no progress bar: not a terminal
    const records = readFileSync(jsonl, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    const want = seeded.activity.filter((row) => row.at.toISOString() >= '2024-02-01' && row.at.toISOString() < '2024-03-01');
    expect(records.map((record) => record.eventId).sort()).toEqual(want.map((row) => row.eventId).sort());
    for (const row of want) expect(records.find((record) => record.eventId === row.eventId)).toMatchObject({ path: row.path, userAgent: row.userAgent, at: row.at.toISOString() });
    expect(existsSync(`${jsonl}.partial`)).toBe(false);

    const csv = join(work, 'sessions.csv');
    expect((await runCli(['export', '--type', 'sessions', '--format', 'csv', '--out', csv, ...where()])).code).toBe(0);
    const [header, ...rows] = parseCsv(readFileSync(csv, 'utf8'));
    expect(header!.slice(0, 4)).toEqual(['createdAt', 'sessionId', 'userId', 'landingUrl']);
    expect(rows.map((row) => row[1]).sort()).toEqual([...SESSIONS]);
    expect(rows.map((row) => row[3]).sort()).toEqual(seeded.sessions.map((session) => session.touch.landingUrl).sort());
  });

  it('link and erase: link refuses another user (exit 1), erase leaves no item carrying the user or its session', async () => {
    const [, sessionB] = SESSIONS;
    expect(await runCli(['link', '--user', 'carol', '--session', sessionB, ...where()])).toMatchObject({ code: 0, stdout: expect.stringMatching(/^linked session \w+ to user carol/) });
    const conflict = await runCli(['link', '--user', 'dave', '--session', sessionB, ...where()]);
    expect(conflict).toMatchObject({ code: 1, stdout: '' });
    expect(conflict.stderr).toBe(`edgeprint: session ${sessionB} is linked to another user; give --force to move it to dave\n`);

    const erase = await runCli(['erase', '--user', 'carol', '--json', ...where()]);
    expect(erase.code).toBe(0);
    expect(JSON.parse(erase.stdout)).toEqual({ removed: expect.objectContaining({ session: 1, link: 1, activity: 2 }) });
    const left = (await scanAll(table().table)).filter((item) => JSON.stringify(item).includes(sessionB) || JSON.stringify(item).includes('carol'));
    expect(left).toEqual([]);
  });

  it('uses the running server\'s DynamoDB from .edgeprint/local.json when no --endpoint is given', async () => {
    const dataDir = join(work, '.edgeprint');
    mkdirSync(dataDir);
    writeFileSync(join(dataDir, 'local.json'), JSON.stringify({ url: 'http://127.0.0.1:3000', dynamodbEndpoint: table().endpoint, tableName: table().tableName }));
    const url = 'https://shop.example/cli-local';
    await incrementHitCounter(table().table, url);
    const run = await runCli(['hits', url], { cwd: work, env: { EDGEPRINT_DATA_DIR: undefined } });
    expect(run).toMatchObject({ code: 0, stdout: `1\t${url}\n` });
  });
});
