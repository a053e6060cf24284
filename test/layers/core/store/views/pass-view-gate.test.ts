import type { ViewGateInput } from '../../../../../layers/core/src/domain/records';
import { newSessionId } from '../../../../../layers/core/src/domain/session-id';
import { keys } from '../../../../../layers/core/src/store/keys';
import { passViewGate } from '../../../../../layers/core/src/store/views/pass-view-gate';
import { RETENTION_DAYS, useDynaliteTable } from '../table-fixture';

const T0 = Date.parse('2026-03-01T12:00:00.000Z');

describe('passViewGate()', () => {
  const db = useDynaliteTable();
  const pass = (input: Omit<ViewGateInput, 'token' | 'now' | 'debounceSeconds'> & { at: number; token?: string }) =>
    passViewGate(
      db().table,
      { sessionId: input.sessionId, url: input.url, kind: input.kind, now: new Date(input.at), debounceSeconds: 10, token: input.token ?? `t${input.at}` },
      RETENTION_DAYS,
    );

  it('refuses a repeat at +9.999 s, passes at exactly +10 s, and reports the first view only once', async () => {
    const view = { sessionId: newSessionId(), url: 'https://site.example/a', kind: 'page' as const };
    expect(await pass({ ...view, at: T0 })).toEqual({ passed: true, firstView: true, previousAt: undefined });
    expect(await pass({ ...view, at: T0 + 9999 })).toEqual({ passed: false, firstView: false });
    expect(await pass({ ...view, at: T0 + 10000 })).toEqual({ passed: true, firstView: false, previousAt: String(T0) });
    expect(await pass({ ...view, at: T0 + 19999 })).toMatchObject({ passed: false, firstView: false });
    expect(await pass({ ...view, at: T0 + 60000 })).toMatchObject({ passed: true, firstView: false });
  });

  it('writes one marker per (session, url) with the first-seen time kept', async () => {
    const view = { sessionId: newSessionId(), url: 'https://site.example/marker?x=1', kind: 'page' as const };
    await pass({ ...view, at: T0, token: 'first' });
    await pass({ ...view, at: T0 + 30000, token: 'second' });
    const marker = await db().getItem(keys.viewMarker(view.sessionId, view.url));
    expect(marker).toMatchObject({
      type: 'view_marker',
      url: view.url,
      sessionId: view.sessionId,
      firstSeen: new Date(T0).toISOString(),
      pageAt: T0 + 30000,
      pageToken: 'second',
    });
    expect(marker?.requestAt).toBeUndefined();
    expect(marker?.expiresAt).toBe(Math.floor((T0 + 30000) / 1000) + RETENTION_DAYS * 86400);
  });

  it("keeps independent windows for the 'page' and 'request' kinds on one marker", async () => {
    const sessionId = newSessionId();
    const url = 'https://site.example/kinds';
    expect(await pass({ sessionId, url, kind: 'page', at: T0 })).toMatchObject({ passed: true, firstView: true });
    expect(await pass({ sessionId, url, kind: 'request', at: T0 + 1000 })).toMatchObject({ passed: true, firstView: false });
    expect(await pass({ sessionId, url, kind: 'page', at: T0 + 2000 })).toMatchObject({ passed: false });
    expect(await pass({ sessionId, url, kind: 'request', at: T0 + 2000 })).toMatchObject({ passed: false });
    expect(await pass({ sessionId, url, kind: 'page', at: T0 + 10000 })).toMatchObject({ passed: true, firstView: false });
    expect(await pass({ sessionId, url, kind: 'request', at: T0 + 10999 })).toMatchObject({ passed: false });
    expect(await pass({ sessionId, url, kind: 'request', at: T0 + 11000 })).toMatchObject({ passed: true, firstView: false });
  });

  it('treats other sessions and other urls (query, scheme and trailing slash included) as separate markers', async () => {
    const sessionId = newSessionId();
    const urls = ['https://site.example/p', 'https://site.example/p/', 'http://site.example/p', 'https://site.example/p?q=1'];
    for (const url of urls) expect(await pass({ sessionId, url, kind: 'page', at: T0 })).toMatchObject({ passed: true, firstView: true });
    expect(await pass({ sessionId: newSessionId(), url: urls[0] as string, kind: 'page', at: T0 })).toMatchObject({ passed: true, firstView: true });
  });
});
