import { DEFAULT_IDENTIFIER_DAYS } from '../../../layers/core/src/config';
import { isSessionId } from '../../../layers/core/src/domain/session-id';
import { isUserId, USER_ID_RULE } from '../../../layers/core/src/domain/user-id';
import { indexSessionDevices } from '../../../layers/core/src/store/devices/index-session-devices';
import { linkSession } from '../../../layers/core/src/store/links/link-session';
import { CliError, UsageError } from '../errors';
import { stringValue, type Command } from './command';

export interface LinkInput {
  readonly userId: string;
  readonly sessionId: string;
  readonly force: boolean;
}

export const linkCommand: Command<LinkInput> = {
  name: 'link',
  summary: 'link a session to a user (as POST /v1/sessions/link)',
  help: [
    'edgeprint link --user ID --session ID [--force]',
    '',
    'Links the session to the user and indexes the devices the session recorded so far. Idempotent:',
    'a repeat prints "already-linked". A session linked to another user is refused (exit 1) unless --force.',
    `Items it creates (a session never seen, device items) get the default retention of ${DEFAULT_IDENTIFIER_DAYS} days.`,
  ].join('\n'),
  options: { user: { type: 'string' }, session: { type: 'string' }, force: { type: 'boolean' } },
  positionals: false,
  parse(values) {
    const userId = stringValue(values, 'user');
    const sessionId = stringValue(values, 'session');
    if (userId === undefined || sessionId === undefined) throw new UsageError('give --user ID and --session ID');
    if (!isUserId(userId)) throw new UsageError(`--user: ${USER_ID_RULE}`);
    if (!isSessionId(sessionId)) throw new UsageError('--session must be a session id (22 characters of A-Z, a-z, 0-9, _ or -)');
    return { userId, sessionId, force: values.force === true };
  },
  async run(target, input, io) {
    let result: 'linked' | 'already-linked';
    try {
      result = await linkSession(target.table, { userId: input.userId, sessionId: input.sessionId, force: input.force });
    } catch (error) {
      if ((error as { status?: unknown }).status === 409) {
        throw new CliError(`session ${input.sessionId} is linked to another user; give --force to move it to ${input.userId}`, { cause: error });
      }
      throw error;
    }
    let devices: number | undefined;
    if (result === 'linked') {
      try {
        devices = await indexSessionDevices(target.table, input.userId, input.sessionId, DEFAULT_IDENTIFIER_DAYS);
      } catch (error) {
        // The link stands (as in the API); the device list catches up with the session's next record.
        io.stderr.write(`edgeprint: warning: the device index was not updated (${error instanceof Error ? error.message : String(error)})\n`);
      }
    }
    io.stdout.write(`${result} session ${input.sessionId} to user ${input.userId}${devices === undefined ? '' : ` (${devices} devices)`}\n`);
  },
};
