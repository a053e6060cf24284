import { call, collectJson, scanTable, useLocalStack } from '../helpers/local-stack';
import { sessionFirstRecord } from '../../layers/core/src/store/sessions/session-item';
import { forwardEventOfItem } from '../../layers/core/src/forwarding/event-of-item';

/** The snippet's reports without consent carry `anon`: counted, but nothing that fingerprints is stored. */
describe('POST /v1/collect with anon (no consent to fingerprinting)', () => {
  const stack = useLocalStack();

  it('counts the pageview but stores no visitorId, request fingerprint, IP or signal headers', async () => {
    const url = `${stack().url}/anon/page`;
    const response = await collectJson(stack(), { id: 'shouldNotBeStored', url, anon: 1 }, { headers: { 'accept-language': 'fr-CH,fr;q=0.9' } });
    expect(response.status).toBe(204);
    await stack().queue.drain(); // the hit is counted by the queue consumer
    const items = await scanTable(stack());
    const session = items.find((item) => item.type === 'session' && (item.first as { url?: string } | undefined)?.url === url);
    expect(session).toBeDefined();
    const record = sessionFirstRecord(session!)!;
    expect(record.visitorId).toBeUndefined();
    expect(record.fp).toBeUndefined();
    expect(record.ip).toBeUndefined();
    expect(record.headers).toBeUndefined();
    expect(JSON.stringify(items)).not.toContain('shouldNotBeStored');
    const counter = items.find((item) => item.type === 'hit_counter' && item.url === url);
    expect(counter?.hits).toBe(1);
    // What a provider would get is built from this stored item: no fingerprint input at all.
    const forwarded = forwardEventOfItem(session!);
    expect(forwarded).toMatchObject({ url, kind: 'pageview', hit: url });
    for (const field of ['language', 'userAgent', 'ip', 'visitorId', 'country'] as const) expect(forwarded?.[field]).toBeUndefined();
  });

  // Issue 11: `false`, "true" and form anon=true/anon=0 were a 400, and the pageview was lost.
  it.each([[true], ['true'], [1], ['1']])('treats anon %j as anonymous', async (anon) => {
    const url = `${stack().url}/anon/yes-${String(anon)}-${typeof anon}`;
    expect((await collectJson(stack(), { id: 'shouldNotBeStoredEither', url, anon })).status).toBe(204);
    const record = sessionFirstRecord((await scanTable(stack())).find((item) => item.type === 'session' && (item.first as { url?: string } | undefined)?.url === url)!)!;
    expect({ visitorId: record.visitorId, fp: record.fp }).toEqual({ visitorId: undefined, fp: undefined });
  });

  it.each([[false], ['false'], [0], ['0']])('treats anon %j as not anonymous: recorded with its visitorId', async (anon) => {
    const url = `${stack().url}/anon/no-${String(anon)}-${typeof anon}`;
    expect((await collectJson(stack(), { id: 'consented', url, anon })).status).toBe(204);
    const record = sessionFirstRecord((await scanTable(stack())).find((item) => item.type === 'session' && (item.first as { url?: string } | undefined)?.url === url)!)!;
    expect(record.visitorId).toBe('consented');
    expect(record.fp).toBeDefined();
  });

  it.each([['anon=true', true], ['anon=1', true], ['anon=0', false], ['anon=false', false]])('reads the form field %s', async (field, anonymous) => {
    const url = `${stack().url}/anon/form-${field.replace('=', '-')}`;
    const response = await call(stack(), '/v1/collect', {
      method: 'POST',
      body: `id=formVisitor&url=${encodeURIComponent(url)}&${field}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(response.status).toBe(204);
    const record = sessionFirstRecord((await scanTable(stack())).find((item) => item.type === 'session' && (item.first as { url?: string } | undefined)?.url === url)!)!;
    expect(record.visitorId).toBe(anonymous ? undefined : 'formVisitor');
  });

  it('rejects any other value of anon with 400', async () => {
    const response = await collectJson(stack(), { url: `${stack().url}/anon/bad`, anon: 'yes' });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { fields: Record<string, unknown> } }).error.fields).toHaveProperty('anon');
  });
});
