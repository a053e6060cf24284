import { parseArgs } from 'node:util';
import type { Command, ParseArgsOptionsConfig } from './commands/command';
import { eraseCommand } from './commands/erase';
import { exportCommand } from './commands/export';
import { hitsCommand } from './commands/hits';
import { linkCommand } from './commands/link';
import { describeError, UsageError } from './errors';
import type { CliIo } from './io';
import { openTarget, type Target } from './target';

const COMMANDS = [hitsCommand, exportCommand, eraseCommand, linkCommand] as unknown as readonly Command<never>[];

/** Options every command takes: where the table is. */
const TARGET_OPTIONS: ParseArgsOptionsConfig = {
  table: { type: 'string' },
  region: { type: 'string' },
  endpoint: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
};

const TARGET_HELP = [
  'Where (every command):',
  '  (default)            the local store: the running `npm start` (found through .edgeprint/local.json),',
  '                       or .edgeprint/dynamodb opened in this process when no server runs (EDGEPRINT_DATA_DIR moves it)',
  '  --table NAME         a deployed table, with the standard AWS credential chain (AWS_PROFILE, SSO, env, role)',
  '  --region R           its region (default AWS_REGION, then the profile\'s region)',
  '  --endpoint URL       any DynamoDB endpoint (DynamoDB Local, dynalite); --table defaults to edgeprint-local',
].join('\n');

/** Exit codes: 0 done, 1 failed (message says why), 2 the command line was wrong. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

function generalHelp(): string {
  const width = Math.max(...COMMANDS.map((command) => command.name.length));
  return [
    'edgeprint: hit counts, exports and privacy operations on the edgeprint table',
    '',
    'Usage: edgeprint <command> [options]      edgeprint <command> --help',
    '',
    'Commands:',
    ...COMMANDS.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`),
    '',
    TARGET_HELP,
    '',
  ].join('\n');
}

function commandHelp(command: Command<never>): string {
  return `Usage: ${command.help}\n\n${TARGET_HELP}\n`;
}

/**
 * Runs one CLI invocation and resolves to its exit code; never throws. Bad input is refused before
 * any table is opened.
 * @example process.exitCode = await run(['hits', 'https://shop.example/'], processIo())
 */
export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  let target: Target | undefined;
  let command: Command<never> | undefined;
  try {
    const [name, ...rest] = argv;
    if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
      io.stdout.write(generalHelp());
      return name === undefined ? EXIT.usage : EXIT.ok;
    }
    command = COMMANDS.find((candidate) => candidate.name === name);
    if (command === undefined) throw new UsageError(`unknown command "${name.slice(0, 40)}"; commands: ${COMMANDS.map((c) => c.name).join(', ')}`);
    const { values, positionals } = parseCommandLine(command, rest);
    if (values.help === true) {
      io.stdout.write(commandHelp(command));
      return EXIT.ok;
    }
    const input = command.parse(values, positionals);
    target = await openTarget(
      { table: nonEmpty(values, 'table'), region: nonEmpty(values, 'region'), endpoint: nonEmpty(values, 'endpoint') },
      io,
    );
    await command.run(target, input, io);
    return EXIT.ok;
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`edgeprint: ${error.message}\nRun "edgeprint ${command === undefined ? '' : `${command.name} `}--help" for usage.\n`);
      return EXIT.usage;
    }
    io.stderr.write(`edgeprint: ${describeError(error, target)}\n`);
    return EXIT.failed;
  } finally {
    await target?.close().catch(() => undefined);
  }
}

function parseCommandLine(command: Command<never>, args: readonly string[]): ReturnType<typeof parseArgs> & { values: Record<string, string | boolean | undefined> } {
  try {
    return parseArgs({
      args: [...args],
      options: { ...TARGET_OPTIONS, ...command.options },
      allowPositionals: command.positionals,
      strict: true,
    }) as ReturnType<typeof parseArgs> & { values: Record<string, string | boolean | undefined> };
  } catch (error) {
    // node:util's messages are already clear ("Unknown option '--foo'"); keep them, drop the code.
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

function nonEmpty(values: Record<string, unknown>, name: string): string | undefined {
  const value = values[name];
  if (typeof value !== 'string') return undefined;
  if (value.trim() === '') throw new UsageError(`--${name} needs a value`);
  return value;
}
