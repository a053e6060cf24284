import { call, collectJson, hitsFor, sessionFrom, useLocalStack } from '../helpers/local-stack';

describe('local stack smoke', () => {
  const stack = useLocalStack();

  it('counts a collect pageview in /v1/hits and answers unknown paths with 404', async () => {
    const url = `${stack().url}/smoke`;
    const response = await collectJson(stack(), { id: 'visitor1', url });
    expect(response.status).toBe(204);
    expect(sessionFrom(response)).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(await hitsFor(stack(), [url])).toEqual({ [url]: 1 });
    expect((await call(stack(), '/nope')).status).toBe(404);
  });
});
