import { isSessionId } from '../../../layers/core/src/domain/session-id';
import { isUserId, USER_ID_RULE } from '../../../layers/core/src/domain/user-id';
import { eraseSession, eraseUser } from '../../../layers/core/src/privacy/erase';
import { UsageError } from '../errors';
import { stringValue, type Command } from './command';

export type EraseInput = { readonly userId: string; readonly json: boolean } | { readonly sessionId: string; readonly json: boolean };

/** The counts as printed: one "<type> <count>" line per type, then the total. */
export function formatCounts(counts: Readonly<Record<string, number>>): string {
  const width = Math.max(5, ...Object.keys(counts).map((type) => type.length));
  const total = Object.values(counts).reduce((sum, count) => sum + count, 0);
  return `${Object.entries(counts)
    .map(([type, count]) => `${type.padEnd(width)}  ${count}\n`)
    .join('')}${'total'.padEnd(width)}  ${total}\n`;
}

export const eraseCommand: Command<EraseInput> = {
  name: 'erase',
  summary: 'delete every stored item of a user or a session (GDPR art. 17)',
  help: [
    'edgeprint erase --user ID | --session ID [--json]',
    '',
    'Deletes the user\'s linked sessions with their fingerprints, activity, hit markers, links and devices',
    '(or one session\'s), as DELETE /v1/users/{id} and /v1/sessions/{id} do, and prints the counts removed',
    '(--json: {"removed": {...}}). Hit counters stay: they hold no personal data. Running it again removes nothing.',
  ].join('\n'),
  options: { user: { type: 'string' }, session: { type: 'string' }, json: { type: 'boolean' } },
  positionals: false,
  parse(values) {
    const userId = stringValue(values, 'user');
    const sessionId = stringValue(values, 'session');
    const json = values.json === true;
    if ((userId === undefined) === (sessionId === undefined)) throw new UsageError('give exactly one of --user ID or --session ID');
    if (userId !== undefined) {
      if (!isUserId(userId)) throw new UsageError(`--user: ${USER_ID_RULE}`);
      return { userId, json };
    }
    if (!isSessionId(sessionId)) throw new UsageError('--session must be a session id (22 characters of A-Z, a-z, 0-9, _ or -)');
    return { sessionId: sessionId!, json };
  },
  async run(target, input, io) {
    const counts = 'userId' in input ? await eraseUser(target.table, input.userId) : await eraseSession(target.table, input.sessionId);
    if (input.json) {
      io.stdout.write(`${JSON.stringify({ removed: counts })}\n`);
      return;
    }
    io.stdout.write(`erased ${'userId' in input ? `user ${input.userId}` : `session ${input.sessionId}`} from ${target.tableName}\n${formatCounts(counts)}`);
  },
};
