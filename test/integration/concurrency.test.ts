import { randomUUID } from 'node:crypto';
import { call, collectJson, freshSessionId, hitsFor, scanTable, useLocalStack } from '../helpers/local-stack';

type Item = Record<string, unknown>;

/** A session's stored items, with the first record (kept inside the session item) counted as a record. */
function sessionSummary(items: Item[], sessionId: string) {
  const own = items.filter((item) => item.pk === `S#${sessionId}`);
  const records = own.flatMap((item) => {
    if (item.type === 'session') return typeof item.first === 'object' && item.first !== null ? [item.first as Item] : [];
    return item.type === 'browser_event' || item.type === 'request_fingerprint' ? [item] : [];
  });
  return {
    sessions: own.filter((item) => item.type === 'session').length,
    markers: own.filter((item) => item.type === 'view_marker'),
    browserEvents: records.filter((record) => record.type === 'browser_event'),
    requestRecords: records.filter((record) => record.type === 'request_fingerprint'),
  };
}

describe('concurrency', () => {
  const stack = useLocalStack({ env: { EDGEPRINT_REDIRECT_HOSTS: 'site.example' } });

  it('50 parallel pageviews of one new session and url count 1 and store one record and one marker', async () => {
    const session = freshSessionId();
    const url = `${stack().url}/concurrent/${randomUUID()}`;
    const responses = await Promise.all(Array.from({ length: 50 }, () => collectJson(stack(), { id: 'visitor1', url }, { session })));
    expect(responses.map((response) => response.status)).toEqual(Array(50).fill(204));
    expect(await hitsFor(stack(), [url])).toEqual({ [url]: 1 });
    const summary = sessionSummary(await scanTable(stack()), session);
    expect(summary.sessions).toBe(1);
    expect(summary.browserEvents).toHaveLength(1);
    expect(summary.browserEvents[0]).toMatchObject({ url, visitorId: 'visitor1' });
    expect(summary.markers).toHaveLength(1);
    expect(summary.markers[0]).toMatchObject({ url });
  });

  it('50 parallel redirect-page views of one session and target count 1 and store one record and one marker', async () => {
    const session = freshSessionId();
    const target = `https://site.example/landing/${randomUUID()}`;
    const path = `/v1/r?next=${encodeURIComponent(target)}`;
    const responses = await Promise.all(Array.from({ length: 50 }, () => call(stack(), path, { session })));
    expect(responses.map((response) => response.status)).toEqual(Array(50).fill(200));
    await Promise.all(responses.map((response) => response.text()));
    expect(await hitsFor(stack(), [target])).toEqual({ [target]: 1 });
    const summary = sessionSummary(await scanTable(stack()), session);
    expect(summary.requestRecords).toHaveLength(1);
    // Stored under the page it lands on, as the hit is (issue 11).
    expect(summary.requestRecords[0]).toMatchObject({ url: target });
    expect(summary.markers).toHaveLength(1);
    expect(summary.markers[0]).toMatchObject({ url: target });
  });

  it('32 parallel sessions posting 20 pageviews each: all 204, and each url counts its distinct sessions', async () => {
    const base = `${stack().url}/load/${randomUUID()}`;
    const urls = Array.from({ length: 5 }, (_, index) => `${base}/page-${index}`);
    const sessions = Array.from({ length: 32 }, () => freshSessionId());
    const expected: Record<string, Set<string>> = Object.fromEntries(urls.map((url) => [url, new Set<string>()]));
    const statuses: number[] = [];
    await Promise.all(
      sessions.map(async (session, sessionIndex) => {
        for (let view = 0; view < 20; view += 1) {
          // Session i cycles through the first (i % 5) + 1 urls, so each url has a different number of sessions.
          const url = urls[view % ((sessionIndex % urls.length) + 1)] as string;
          expected[url]?.add(session);
          const response = await collectJson(stack(), { id: `visitor${sessionIndex}`, url }, { session });
          statuses.push(response.status);
        }
      }),
    );
    expect(statuses).toHaveLength(640);
    expect(statuses.filter((status) => status !== 204)).toEqual([]);
    expect(urls.map((url) => expected[url]?.size)).toEqual([32, 25, 18, 12, 6]);
    const counts = await hitsFor(stack(), urls);
    expect(counts).toEqual(Object.fromEntries(urls.map((url) => [url, expected[url]?.size])));
  });
});
