import { startLocalStack } from '../../../infra/local/local-stack';
import { BROWSER_UA } from '../../helpers/local-stack';

describe('LocalStack.close() under load', () => {
  it('lets started requests finish before the store closes: every request gets an answer, a refused connection or a 503 "shutting down" with Retry-After (nothing stored for it), never another 5xx, and nothing crashes', async () => {
    const stack = await startLocalStack({ demo: false });
    const requests = Array.from({ length: 60 }, (_, index) =>
      fetch(`${stack.url}/v1/collect`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain', 'user-agent': BROWSER_UA },
        body: JSON.stringify({ id: `v${index}`, url: `${stack.url}/shutdown/${index}` }),
      }).then(
        async (response) => {
          const body = await response.text();
          // A request that reached a kept-alive connection after the shutdown began is refused, retryably.
          if (response.status === 503 && response.headers.get('retry-after') === '1' && body.includes('shutting_down')) return 'stopping' as const;
          return response.status;
        },
        () => 'refused' as const,
      ),
    );
    // Close once the server is demonstrably handling the burst: the first answer is back, others are in flight.
    await Promise.race(requests);
    await stack.close();
    const outcomes = await Promise.all(requests);
    expect(outcomes.filter((outcome) => typeof outcome === 'number' && outcome >= 500)).toEqual([]);
    expect(outcomes.some((outcome) => outcome === 204)).toBe(true);
  });
});
