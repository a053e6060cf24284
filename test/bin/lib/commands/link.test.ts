import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { linkCommand } from '../../../../bin/lib/commands/link';
import { CliError } from '../../../../bin/lib/errors';
import { keys } from '../../../../layers/core/src/store/keys';
import { memoryIo, useTestTable } from '../../cli-helpers';
import { seed, SESSIONS } from '../../seed';

const table = useTestTable();
const [sessionA] = SESSIONS;

beforeAll(async () => {
  await seed(table().table);
});

async function linkedUser(sessionId: string): Promise<unknown> {
  const { Item } = await table().table.client.send(new GetCommand({ TableName: table().tableName, Key: keys.session(sessionId), ConsistentRead: true }));
  return Item?.userId;
}

describe('linkCommand', () => {
  it('links, is idempotent, refuses another user without --force and moves the session with it', async () => {
    const first = memoryIo();
    await linkCommand.run(table().target, linkCommand.parse({ user: 'alice', session: sessionA }, []), first);
    // Its first record carries a visitorId and a request fingerprint, its request record another fingerprint.
    expect(first.out()).toBe(`linked session ${sessionA} to user alice (3 devices)\n`);
    expect(await linkedUser(sessionA)).toBe('alice');

    const repeat = memoryIo();
    await linkCommand.run(table().target, linkCommand.parse({ user: 'alice', session: sessionA }, []), repeat);
    expect(repeat.out()).toBe(`already-linked session ${sessionA} to user alice\n`);

    const conflict = linkCommand.run(table().target, linkCommand.parse({ user: 'bob', session: sessionA }, []), memoryIo());
    await expect(conflict).rejects.toThrow(CliError);
    await expect(conflict).rejects.toThrow(`session ${sessionA} is linked to another user; give --force to move it to bob`);
    expect(await linkedUser(sessionA)).toBe('alice');

    const forced = memoryIo();
    await linkCommand.run(table().target, linkCommand.parse({ user: 'bob', session: sessionA, force: true }, []), forced);
    expect(forced.out()).toMatch(/^linked session \w+ to user bob/);
    expect(await linkedUser(sessionA)).toBe('bob');
  });

  it('needs a well-formed user and session', () => {
    expect(() => linkCommand.parse({ user: 'alice' }, [])).toThrow('give --user ID and --session ID');
    expect(() => linkCommand.parse({ user: 'a b', session: sessionA }, [])).toThrow('--user: Must be 1 to 128 characters');
    expect(() => linkCommand.parse({ user: 'alice', session: 'x'.repeat(23) }, [])).toThrow('--session must be a session id');
  });
});
