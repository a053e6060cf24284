import { eraseCommand } from '../../../../bin/lib/commands/erase';
import { linkSession } from '../../../../layers/core/src/store/links/link-session';
import { memoryIo, scanAll, useTestTable } from '../../cli-helpers';
import { seed, SESSIONS } from '../../seed';

const table = useTestTable();
const [sessionA, sessionB, sessionC] = SESSIONS;

beforeAll(async () => {
  await seed(table().table);
  // user-0 owns session A; its activity row activity-0 also names it.
  await linkSession(table().table, { userId: 'user-0', sessionId: sessionA });
});

/** Items still carrying the id in any attribute (keys, links, nested first records). */
async function itemsMentioning(id: string): Promise<Record<string, unknown>[]> {
  return (await scanAll(table().table)).filter((item) => JSON.stringify(item).includes(id));
}

describe('eraseCommand', () => {
  it('erases a user: its linked session with every record, marker, activity row and link; a repeat removes nothing', async () => {
    expect((await itemsMentioning(sessionA)).length).toBeGreaterThan(3);
    const counters = (await scanAll(table().table)).filter((item) => item.type === 'hit_counter');
    const io = memoryIo();
    await eraseCommand.run(table().target, eraseCommand.parse({ user: 'user-0' }, []), io);
    const lines = io.out().trim().split('\n');
    expect(lines[0]).toBe(`erased user user-0 from ${table().tableName}`);
    const counts = Object.fromEntries(lines.slice(1).map((line) => line.trim().split(/\s+/)).map(([type, count]) => [type!, Number(count)]));
    expect(counts).toMatchObject({ session: 1, link: 1, request_fingerprint: 1, view_marker: 1, activity: 2 });
    const { total, ...types } = counts;
    expect(total).toBe(Object.values(types).reduce((sum, count) => sum + count, 0));
    expect(await itemsMentioning(sessionA)).toEqual([]);
    expect(await itemsMentioning('user-0')).toEqual([]);
    // Other sessions and the hit counters (no personal data) stay.
    expect((await itemsMentioning(sessionB)).length).toBeGreaterThan(0);
    expect((await scanAll(table().table)).filter((item) => item.type === 'hit_counter')).toEqual(counters);
    expect(counters.reduce((sum, item) => sum + Number(item.hits), 0)).toBe(3);

    const again = memoryIo();
    await eraseCommand.run(table().target, eraseCommand.parse({ user: 'user-0', json: true }, []), again);
    const { removed } = JSON.parse(again.out()) as { removed: Record<string, number> };
    expect(Object.values(removed).every((count) => count === 0)).toBe(true);
  });

  it('erases one session with --session and prints the counts as JSON with --json', async () => {
    const io = memoryIo();
    await eraseCommand.run(table().target, eraseCommand.parse({ session: sessionB, json: true }, []), io);
    const { removed } = JSON.parse(io.out()) as { removed: Record<string, number> };
    expect(removed).toMatchObject({ session: 1, request_fingerprint: 1, view_marker: 1, activity: 2 });
    expect(await itemsMentioning(sessionB)).toEqual([]);
    expect((await itemsMentioning(sessionC)).length).toBeGreaterThan(0);
  });

  it('needs exactly one well-formed id', () => {
    expect(() => eraseCommand.parse({}, [])).toThrow('give exactly one of --user ID or --session ID');
    expect(() => eraseCommand.parse({ user: 'a', session: sessionA }, [])).toThrow('give exactly one of --user ID or --session ID');
    expect(() => eraseCommand.parse({ user: 'has space' }, [])).toThrow('--user: Must be 1 to 128 characters');
    expect(() => eraseCommand.parse({ session: 'short' }, [])).toThrow('--session must be a session id');
  });
});
