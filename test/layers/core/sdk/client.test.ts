import { randomUUID } from 'node:crypto';
import { createClient, EdgeprintClientError } from '../../../../layers/core/src/v1';
import { collectJson, freshSessionId, scanTable, sessionFrom, useLocalStack } from '../../../helpers/local-stack';

describe('createClient()', () => {
  const stack = useLocalStack();
  const requests: string[] = [];
  const countingFetch: typeof fetch = (input, init) => {
    requests.push(`${init?.method ?? 'GET'} ${String(input).replace(stack().url, '')}`);
    return fetch(input, init);
  };
  const client = () => createClient({ baseUrl: `${stack().url}/`, apiKey: stack().env.EDGEPRINT_API_KEY, fetch: countingFetch });

  beforeEach(() => {
    requests.length = 0;
  });

  describe('getCountForUrls()', () => {
    it('asks once per 100 distinct urls and answers a Map keyed by the urls as given', async () => {
      const base = `${stack().url}/client/${randomUUID()}`;
      const visited = [`${base}/0`, `${base}/7`, `${base}/249`];
      for (const url of visited) expect((await collectJson(stack(), { id: 'clientVisitor', url })).status).toBe(204);
      await stack().queue.drain(); // hits are counted by the queue consumer, downstream of the records
      const urls = Array.from({ length: 250 }, (_, index) => `${base}/${index}`);
      const counts = await client().getCountForUrls([...urls, visited[0] as string]);
      expect(requests).toHaveLength(3);
      expect(requests.every((request) => request.startsWith('GET /v1/hits?url='))).toBe(true);
      expect(counts.size).toBe(250);
      expect(visited.map((url) => counts.get(url))).toEqual([1, 1, 1]);
      expect([...counts.values()].reduce((sum, count) => sum + count, 0)).toBe(3);
    });

    it('answers an empty Map without a request for no urls', async () => {
      expect(await client().getCountForUrls([])).toEqual(new Map());
      expect(requests).toEqual([]);
    });
  });

  it('getCountForObjects() maps each object through toUrl', async () => {
    const url = `${stack().url}/article/${randomUUID()}`;
    await collectJson(stack(), { id: 'clientVisitor', url });
    await stack().queue.drain();
    const articles = [{ slug: url.split('/').pop() as string }, { slug: 'never-read' }];
    const counts = await client().getCountForObjects(articles, (article) => `${stack().url}/article/${article.slug}`);
    expect(counts.get(articles[0] as { slug: string })).toBe(1);
    expect(counts.get(articles[1] as { slug: string })).toBe(0);
  });

  it('links, lists sessions and devices, and erases a user and a session', async () => {
    const userId = `client-${randomUUID().slice(0, 8)}`;
    const sessionId = sessionFrom(await collectJson(stack(), { id: 'clientLinked', url: `${stack().url}/client-linked` })) as string;
    expect(await client().link({ userId, sessionId })).toEqual({ userId, sessionId, result: 'linked', devices: 2 });
    expect((await client().link({ userId, sessionId })).result).toBe('already-linked');
    expect((await client().userSessions(userId)).sessions.map((session) => session.sessionId)).toEqual([sessionId]);
    const devices = await client().userDevices(userId, { limit: 1 });
    expect(devices.devices).toHaveLength(1);
    expect((await client().userDevices(userId, { cursor: devices.cursor })).devices).toHaveLength(1);
    const other = freshSessionId();
    await client().link({ userId: 'someone-else', sessionId: other });
    expect((await client().eraseSession(other)).removed).toMatchObject({ session: 1, link: 1 });
    expect((await client().eraseUser(userId)).removed).toMatchObject({ session: 1, link: 1, device: 2 });
    expect((await scanTable(stack())).filter((item) => JSON.stringify(item).includes(userId))).toEqual([]);
  });

  it('throws EdgeprintClientError with the API\'s status and code', async () => {
    const sessionId = freshSessionId();
    await client().link({ userId: 'first-owner', sessionId });
    await expect(client().link({ userId: 'second-owner', sessionId })).rejects.toMatchObject({ status: 409, code: 'conflict' });
    const wrongKey = createClient({ baseUrl: stack().url, apiKey: 'wrong-key-wrong-key-wrong' });
    await expect(wrongKey.userSessions('u')).rejects.toMatchObject({ status: 401, code: 'unauthorized' });
    const noKey = createClient({ baseUrl: stack().url, fetch: countingFetch });
    await expect(noKey.eraseUser('u')).rejects.toBeInstanceOf(EdgeprintClientError);
    expect(requests.filter((request) => request.startsWith('DELETE'))).toEqual([]);
    await expect(client().userSessions('bad id')).rejects.toMatchObject({ status: 400, fields: { userId: [expect.any(String)] } });
  });
});
