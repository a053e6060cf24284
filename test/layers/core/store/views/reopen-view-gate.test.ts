import type { ViewGateInput, ViewKind } from '../../../../../layers/core/src/domain/records';
import { newSessionId } from '../../../../../layers/core/src/domain/session-id';
import { keys } from '../../../../../layers/core/src/store/keys';
import { passViewGate } from '../../../../../layers/core/src/store/views/pass-view-gate';
import { reopenViewGate } from '../../../../../layers/core/src/store/views/reopen-view-gate';
import { RETENTION_DAYS, useDynaliteTable } from '../table-fixture';

const T0 = Date.parse('2026-03-01T12:00:00.000Z');

describe('reopenViewGate()', () => {
  const db = useDynaliteTable();
  const gate = (sessionId: string, url: string, kind: ViewKind, at: number, token: string): ViewGateInput => ({
    sessionId,
    url,
    kind,
    now: new Date(at),
    debounceSeconds: 10,
    token,
  });
  const pass = (input: ViewGateInput) => passViewGate(db().table, input, RETENTION_DAYS);

  it('undoes a first view, so the retry passes and is the first view again', async () => {
    const sessionId = newSessionId();
    const url = 'https://site.example/undo-first';
    const failed = gate(sessionId, url, 'page', T0, 'failed');
    const result = await pass(failed);
    expect(result.firstView).toBe(true);
    await reopenViewGate(db().table, failed, result);
    expect(await pass(gate(sessionId, url, 'page', T0 + 1, 'retry'))).toMatchObject({ passed: true, firstView: true });
    expect(await pass(gate(sessionId, url, 'page', T0 + 2, 'again'))).toMatchObject({ passed: false });
  });

  it('undoes a later view by restoring the previous window, so the retry passes but is not a first view', async () => {
    const sessionId = newSessionId();
    const url = 'https://site.example/undo-later';
    await pass(gate(sessionId, url, 'page', T0, 'first'));
    const failed = gate(sessionId, url, 'page', T0 + 20000, 'failed');
    const result = await pass(failed);
    expect(result).toMatchObject({ passed: true, firstView: false, previousAt: String(T0) });
    await reopenViewGate(db().table, failed, result);
    expect((await db().getItem(keys.viewMarker(sessionId, url)))?.pageAt).toBe(T0);
    expect(await pass(gate(sessionId, url, 'page', T0 + 20001, 'retry'))).toMatchObject({ passed: true, firstView: false });
  });

  it("does not touch a later request's gate of the same kind", async () => {
    const sessionId = newSessionId();
    const url = 'https://site.example/late-undo';
    const slow = gate(sessionId, url, 'page', T0, 'slow');
    const slowResult = await pass(slow);
    // The slow request's window expired and a later request passed before the slow one gave up.
    expect(await pass(gate(sessionId, url, 'page', T0 + 10000, 'later'))).toMatchObject({ passed: true });
    await reopenViewGate(db().table, slow, slowResult);
    expect(await db().getItem(keys.viewMarker(sessionId, url))).toMatchObject({ pageAt: T0 + 10000, pageToken: 'later' });
    expect(await pass(gate(sessionId, url, 'page', T0 + 15000, 'inside-later-window'))).toMatchObject({ passed: false });
  });

  it("does not touch the other kind's gate on the shared marker", async () => {
    const sessionId = newSessionId();
    const url = 'https://site.example/other-kind';
    const failedPage = gate(sessionId, url, 'page', T0, 'page-failed');
    const pageResult = await pass(failedPage);
    expect(pageResult.firstView).toBe(true);
    expect(await pass(gate(sessionId, url, 'request', T0 + 1000, 'request-ok'))).toMatchObject({ passed: true, firstView: false });
    await reopenViewGate(db().table, failedPage, pageResult);
    // The request gate still debounces, and the page retry still gets the first view it never recorded.
    expect(await pass(gate(sessionId, url, 'request', T0 + 2000, 'request-repeat'))).toMatchObject({ passed: false });
    expect(await pass(gate(sessionId, url, 'page', T0 + 2000, 'page-retry'))).toMatchObject({ passed: true, firstView: true });
    expect(await pass(gate(sessionId, url, 'request', T0 + 11000, 'request-later'))).toMatchObject({ passed: true, firstView: false });
  });
});
