import { Logger } from '@aws-lambda-powertools/logger';
import { loadConfig } from '../../../../layers/core/src/config';
import { DEFAULT_EDGE_RULES, type EdgeRules } from '../../../../layers/core/src/edge/edge-config';
import { cookielessSessionId } from '../../../../layers/core/src/edge/edge-session';
import { edgeEventId, edgeRulesFromEnvironment, ingestKinesisRecords, ingestLogLine, isSuccessStatus } from '../../../../layers/core/src/edge/ingest';
import { formatRealtimeLogLine, parseRealtimeLogLine, type RealtimeLogEntry } from '../../../../layers/core/src/edge/realtime-log';
import { EDGE_HEADERS, handleViewerRequest } from '../../../../layers/core/src/edge/viewer-request';
import { ConfigError } from '../../../../layers/core/src/errors';
import { forwardEventOfItem } from '../../../../layers/core/src/forwarding/event-of-item';
import { createRuntime, type Runtime } from '../../../../layers/core/src/runtime';
import { EDGE_TEST_CONFIG, headerValue, kinesisEventOf, logLinesFixture, viewerRequestFixture } from '../../../helpers/cloudfront';
import { countItems, hitsFor, scanTable, useLocalStack } from '../../../helpers/local-stack';

const PAGE = 'https://shop.example/articles/edge?utm_source=news';
const SESSION_A = 'AbCdEfGhIjKlMnOpQrStUv';
const SESSION_E = 'EbCdEfGhIjKlMnOpQrStUv';
const rules: EdgeRules = { ...DEFAULT_EDGE_RULES, siteId: EDGE_TEST_CONFIG.siteId };

type Item = Record<string, unknown>;

/** A session's request records: the one inside its session item (`first`) and the RFP# items. */
function requestRecordsOf(items: Item[], sessionId: string): Item[] {
  const mine = items.filter((item) => item.pk === `S#${sessionId}`);
  const first = mine.filter((item) => item.sk === 'SESSION').map((item) => item.first as Item);
  return [...first, ...mine.filter((item) => String(item.sk).startsWith('RFP#'))];
}

function entry(overrides: Partial<RealtimeLogEntry>): RealtimeLogEntry {
  return {
    at: new Date('2025-11-21T11:00:00.000Z'),
    clientIp: '192.0.2.10',
    status: 200,
    method: 'GET',
    protocol: 'https',
    host: 'shop.example',
    uri: '/gpc',
    requestId: `req-${Math.random()}`,
    headers: [
      ['user-agent', 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0'],
      ['accept', 'text/html'],
      ['accept-language', 'en'],
      ['cookie', 'ep_sid=GbCdEfGhIjKlMnOpQrStUv'],
    ],
    ...overrides,
  };
}

const stack = useLocalStack();

describe('ingestKinesisRecords()', () => {
  let runtime: Runtime;
  beforeAll(() => {
    runtime = createRuntime(loadConfig({ ...process.env }));
  });

  it('records each successful navigation and counts one hit per session and url (recorded log lines)', async () => {
    const { response, report } = await ingestKinesisRecords(kinesisEventOf(logLinesFixture('lines')).Records, { runtime, rules });
    expect(response).toEqual({ batchItemFailures: [] });
    expect(report).toMatchObject({ lines: 14, recorded: 5, hitsCounted: 4, withoutFingerprint: 1, failed: 0 });
    expect(report.skipped).toEqual({ status: 4, asset: 1, 'excluded-path': 1, bot: 1, 'not-navigation': 1, method: 1 });
    // Sessions A (twice), B, the cookieless Firefox and E viewed the page; the 404, 304, 500 and 000 did not count.
    expect(await hitsFor(stack(), [PAGE, 'https://shop.example/admin/orders?page=2', 'https://shop.example/static/app.4f3a2b.js'])).toEqual({
      [PAGE]: 4,
      'https://shop.example/admin/orders?page=2': 0,
      'https://shop.example/static/app.4f3a2b.js': 0,
    });
  });

  it('changes nothing when the same batch is delivered again', async () => {
    const before = await countItems(stack());
    const { report } = await ingestKinesisRecords(kinesisEventOf(logLinesFixture('lines')).Records, { runtime, rules });
    expect(report.recorded).toBe(0);
    expect(report.skipped.debounced).toBe(5);
    expect(await countItems(stack())).toBe(before);
    expect(await hitsFor(stack(), [PAGE])).toEqual({ [PAGE]: 4 });
  });

  it('stores the fingerprint the edge stamped, the country, the ASN and the reduced IP', async () => {
    const secret = stack().env.EDGEPRINT_SECRET as string;
    const stamped = handleViewerRequest(viewerRequestFixture('chrome-navigation'), { config: { ...EDGE_TEST_CONFIG, secret }, log: () => undefined });
    const records = requestRecordsOf(await scanTable(stack()), SESSION_A);
    expect(records).toHaveLength(2);
    for (const record of records) {
      expect(record).toMatchObject({ url: PAGE, country: 'DE', asn: 3320, ip: '203.0.113.0', fpv: 1 });
      expect(record.fp).toBe(headerValue(stamped.headers, EDGE_HEADERS.fingerprint));
    }
    const session = (await scanTable(stack())).find((item) => item.pk === `S#${SESSION_A}` && item.sk === 'SESSION');
    // The landing url is the first record's own url (the session item does not store it twice).
    expect(session?.firstTouch).toMatchObject({ utmSource: 'news', referrer: 'https://shop.example/' });
    expect((session?.first as Item | undefined)?.url).toBe(PAGE);
  });

  it('records a viewer without a cookie under the session the edge derived for it', async () => {
    const request = viewerRequestFixture('firefox-navigation').Records[0]!.cf.request;
    const derived = cookielessSessionId({
      secret: stack().env.EDGEPRINT_SECRET as string,
      siteId: rules.siteId,
      ip: request.clientIp,
      userAgent: headerValue(request.headers, 'user-agent'),
      at: new Date('2025-11-21T10:01:00.000Z'),
    });
    const records = requestRecordsOf(await scanTable(stack()), derived);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ url: PAGE, country: 'NL', asn: 1136, ip: '2001:db8:85a3::' });
  });

  it('stores no fingerprint when a stable header was cut from cs-headers, but still the session and the hit', async () => {
    const records = requestRecordsOf(await scanTable(stack()), SESSION_E);
    expect(records).toHaveLength(1);
    expect(records[0]?.fp).toBeUndefined();
    expect(records[0]).toMatchObject({ url: PAGE, country: 'DE' });
  });

  it('skips and counts malformed records without storing anything or failing the batch', async () => {
    const before = await countItems(stack());
    const event = kinesisEventOf(logLinesFixture('malformed'));
    const garbage = { ...event.Records[0]!, kinesis: { ...event.Records[0]!.kinesis, data: Buffer.from('\u0000\u0001 not a log line').toString('base64') } };
    const broken = { ...event.Records[0]!, kinesis: undefined } as unknown as (typeof event.Records)[number];
    const { response, report } = await ingestKinesisRecords([...event.Records, garbage, broken], { runtime, rules });
    expect(response).toEqual({ batchItemFailures: [] });
    expect(report.malformed).toEqual({ 'field-count': 2, timestamp: 1, 'client-ip': 1, status: 1, 'kinesis-record': 1 });
    expect(report.skipped).toEqual({ malformed: 6 });
    expect(report.recorded).toBe(0);
    expect(await countItems(stack())).toBe(before);
  });

  it('reports the first record whose write failed, by sequence number, and stops there', async () => {
    const missingTable = createRuntime(loadConfig({ ...process.env, EDGEPRINT_TABLE: 'edgeprint-no-such-table' }), {
      logger: new Logger({ serviceName: 'edgeprint', logLevel: 'SILENT' }),
    });
    const lines = logLinesFixture('lines');
    const event = kinesisEventOf([logLinesFixture('malformed')[0]!, lines[0]!, lines[2]!]);
    const { response, report } = await ingestKinesisRecords(event.Records, { runtime: missingTable, rules });
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: event.Records[1]!.kinesis.sequenceNumber }] });
    expect(report).toMatchObject({ failed: 1, lines: 1, recorded: 0 });
  });
});

describe('ingestLogLine()', () => {

  it('stores the record the forwarder turns into an event with the response status (the stored item is the event)', async () => {
    const runtime = createRuntime(loadConfig({ ...process.env }));
    const line = formatRealtimeLogLine(entry({ uri: '/published', status: 203, country: 'SE', asn: 3301, requestId: 'req-published' }));
    expect(await ingestLogLine(line, { runtime, rules })).toEqual({ outcome: 'recorded', hitCounted: true, fingerprinted: true });
    const stored = (await scanTable(stack())).find((item) => item.eventId === edgeEventId('req-published') || (item.first as { eventId?: string } | undefined)?.eventId === edgeEventId('req-published'));
    expect(stored).toBeDefined();
    expect(forwardEventOfItem(stored!)).toMatchObject({
      kind: 'request',
      eventId: edgeEventId('req-published'),
      url: 'https://shop.example/published',
      status: 203,
      country: 'SE',
      sessionId: 'GbCdEfGhIjKlMnOpQrStUv',
      at: '2025-11-21T11:00:00.000Z',
      ip: '192.0.2.0',
      hit: 'https://shop.example/published',
    });
  });

  it('applies the GPC policy of the regional configuration', async () => {
    const anonymous = createRuntime(loadConfig({ ...process.env, EDGEPRINT_GPC_MODE: 'anonymous' }));
    const dropping = createRuntime(loadConfig({ ...process.env, EDGEPRINT_GPC_MODE: 'drop' }));
    const gpc = (uri: string) => formatRealtimeLogLine(entry({ uri, headers: [...entry({}).headers, ['sec-gpc', '1']] }));
    expect(await ingestLogLine(gpc('/gpc-drop'), { runtime: dropping, rules })).toEqual({ outcome: 'skipped', reason: 'gpc', malformed: undefined });
    expect(await ingestLogLine(gpc('/gpc-anonymous'), { runtime: anonymous, rules })).toEqual({ outcome: 'recorded', hitCounted: true, fingerprinted: false });
    const record = requestRecordsOf(await scanTable(stack()), 'GbCdEfGhIjKlMnOpQrStUv').find((item) => item.url === 'https://shop.example/gpc-anonymous');
    expect(record).toMatchObject({ gpc: true });
    expect(record?.ip).toBeUndefined();
    expect(record?.headers).toBeUndefined();
    expect(await hitsFor(stack(), ['https://shop.example/gpc-drop', 'https://shop.example/gpc-anonymous'])).toEqual({
      'https://shop.example/gpc-drop': 0,
      'https://shop.example/gpc-anonymous': 1,
    });
  });

  it('in cookieless mode records under the derived session even when a cookie was sent', async () => {
    const runtime = createRuntime(loadConfig({ ...process.env }));
    const line = formatRealtimeLogLine(entry({ uri: '/cookieless' }));
    await ingestLogLine(line, { runtime, rules: { ...rules, privacyMode: 'cookieless' } });
    const parsed = parseRealtimeLogLine(line);
    if (!parsed.ok) throw new Error('fixture line did not parse');
    const derived = cookielessSessionId({
      secret: stack().env.EDGEPRINT_SECRET as string,
      siteId: rules.siteId,
      ip: parsed.record.clientIp,
      userAgent: parsed.record.headers['user-agent'],
      at: parsed.record.at,
    });
    const items = await scanTable(stack());
    expect(requestRecordsOf(items, derived).map((item) => item.url)).toEqual(['https://shop.example/cookieless']);
    expect(requestRecordsOf(items, 'GbCdEfGhIjKlMnOpQrStUv').map((item) => item.url)).not.toContain('https://shop.example/cookieless');
  });
});

describe('isSuccessStatus()', () => {
  it('counts 2xx only', () => {
    expect([200, 203, 204, 299].every(isSuccessStatus)).toBe(true);
    expect([0, 199, 301, 304, 404, 500].some(isSuccessStatus)).toBe(false);
  });
});

describe('edgeEventId()', () => {
  it('is a stable UUID-shaped id per CloudFront request id', () => {
    expect(edgeEventId('abc')).toBe(edgeEventId('abc'));
    expect(edgeEventId('abc')).not.toBe(edgeEventId('abd'));
    expect(edgeEventId('abc')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

describe('edgeRulesFromEnvironment()', () => {
  it('reads EDGEPRINT_EDGE_RULES, defaults without it, and refuses bad JSON or bad rules', () => {
    expect(edgeRulesFromEnvironment({})).toEqual(DEFAULT_EDGE_RULES);
    expect(edgeRulesFromEnvironment({ EDGEPRINT_EDGE_RULES: '{"privacyMode":"cookieless","siteId":"shop"}' })).toMatchObject({ privacyMode: 'cookieless', siteId: 'shop' });
    expect(() => edgeRulesFromEnvironment({ EDGEPRINT_EDGE_RULES: '{' })).toThrow(ConfigError);
    expect(() => edgeRulesFromEnvironment({ EDGEPRINT_EDGE_RULES: '{"privacyMode":"maybe"}' })).toThrow(ConfigError);
  });
});
