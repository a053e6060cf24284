import fc from 'fast-check';
import {
  formatRealtimeLogLine,
  headerSent,
  headerValueKnown,
  parseRealtimeLogLine,
  REALTIME_LOG_FIELDS,
  type RealtimeLogEntry,
  type RealtimeLogRecord,
} from '../../../../layers/core/src/edge/realtime-log';
import { logLinesFixture } from '../../../helpers/cloudfront';

function parsed(line: string): RealtimeLogRecord {
  const result = parseRealtimeLogLine(line);
  if (!result.ok) throw new Error(`expected a record, got ${result.reason}`);
  return result.record;
}

const CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

describe('REALTIME_LOG_FIELDS', () => {
  it('keeps CloudFront\'s documented relative order of the fields it reads', () => {
    const documented = [
      'timestamp', 'c-ip', 'time-to-first-byte', 'sc-status', 'sc-bytes', 'cs-method', 'cs-protocol', 'cs-host', 'cs-uri-stem', 'cs-bytes',
      'x-edge-location', 'x-edge-request-id', 'x-host-header', 'time-taken', 'cs-protocol-version', 'c-ip-version', 'cs-user-agent', 'cs-referer',
      'cs-cookie', 'cs-uri-query', 'x-edge-response-result-type', 'x-forwarded-for', 'ssl-protocol', 'ssl-cipher', 'x-edge-result-type',
      'fle-encrypted-fields', 'fle-status', 'sc-content-type', 'sc-content-len', 'sc-range-start', 'sc-range-end', 'c-port',
      'x-edge-detailed-result-type', 'c-country', 'cs-accept-encoding', 'cs-accept', 'cache-behavior-path-pattern', 'cs-headers',
      'cs-header-names', 'cs-headers-count', 'primary-distribution-id', 'primary-distribution-dns-name', 'origin-fbl', 'origin-lbl', 'asn',
    ];
    const positions = REALTIME_LOG_FIELDS.map((field) => documented.indexOf(field));
    expect(positions).not.toContain(-1);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  });
});

describe('parseRealtimeLogLine()', () => {
  const [first, , sessionB, , , , hungUp, , , , , , firefox, cutHeaders] = logLinesFixture('lines');

  it('reads a recorded line: time, viewer, status, URL parts, geo and network', () => {
    const record = parsed(first!);
    expect(record.at.toISOString()).toBe('2025-11-21T10:00:00.000Z');
    expect(record).toMatchObject({
      clientIp: '203.0.113.178',
      status: 200,
      method: 'GET',
      protocol: 'https',
      host: 'shop.example',
      uri: '/articles/edge',
      query: 'utm_source=news',
      country: 'DE',
      asn: 3320,
      headerNamesComplete: true,
    });
    expect(record.requestId).toMatch(/^rA1-/);
    expect(parsed(sessionB!)).toMatchObject({ country: 'FR', asn: 3215, clientIp: '198.51.100.7' });
  });

  it('percent-decodes the headers and fills the dedicated fields', () => {
    const record = parsed(first!);
    expect(record.headers['user-agent']).toBe(CHROME);
    expect(record.headers['sec-ch-ua']).toBe('"Google Chrome";v="131", "Chromium";v="131", "Not_A Brand";v="24"');
    expect(record.headers['sec-ch-ua-platform']).toBe('"Windows"');
    expect(record.headers['accept-encoding']).toBe('gzip, deflate, br, zstd');
    expect(record.headers['accept-language']).toBe('de-DE,de;q=0.9,en;q=0.8');
    expect(record.headers.cookie).toBe('theme=dark; ep_sid=AbCdEfGhIjKlMnOpQrStUv');
    expect(record.headers.referer).toBe('https://shop.example/');
    expect(record.headerNames).toContain('cookie');
  });

  it('reads 000 (the viewer hung up) as status 0 and an IPv6 viewer in its short form', () => {
    expect(parsed(hungUp!).status).toBe(0);
    expect(parsed(firefox!).clientIp).toBe('2001:db8:85a3::8a2e:370:7334');
    expect(parsed(firefox!).headers.cookie).toBeUndefined();
  });

  it('drops a header cut off by the 800-byte cap and says the value is unknown', () => {
    const record = parsed(cutHeaders!);
    expect(record.headers['accept-language']).toBeUndefined();
    expect(headerSent(record, 'accept-language')).toBe(true);
    expect(headerValueKnown(record, 'accept-language')).toBe(false);
    // The dedicated fields are not cut.
    expect(record.headers['user-agent']).toBe(CHROME);
    expect(record.headers['accept-encoding']).toBe('gzip, deflate, br, zstd');
    expect(headerValueKnown(record, 'sec-ch-ua')).toBe(true);
    expect(headerSent(record, 'dnt')).toBe(false);
  });

  it.each([
    [0, 'field-count'],
    [1, 'timestamp'],
    [2, 'client-ip'],
    [3, 'status'],
  ])('returns a typed failure for recorded malformed line %i (%s)', (index, reason) => {
    expect(parseRealtimeLogLine(logLinesFixture('malformed')[index]!)).toEqual({ ok: false, reason });
  });

  it('rejects empty, oversized and structurally odd lines without throwing', () => {
    const fields = (overrides: Partial<Record<string, string>>) => REALTIME_LOG_FIELDS.map((name) => overrides[name] ?? '-').join('\t');
    const good = { timestamp: '1763719200.000', 'c-ip': '203.0.113.1', 'sc-status': '200', 'cs-method': 'GET', 'cs-protocol': 'https', 'cs-host': 'shop.example', 'cs-uri-stem': '/' };
    expect(parseRealtimeLogLine(fields(good)).ok).toBe(true);
    expect(parseRealtimeLogLine('')).toEqual({ ok: false, reason: 'empty' });
    expect(parseRealtimeLogLine('x'.repeat(20000))).toEqual({ ok: false, reason: 'too-long' });
    expect(parseRealtimeLogLine(fields({ ...good, 'cs-method': 'get' }))).toEqual({ ok: false, reason: 'method' });
    expect(parseRealtimeLogLine(fields({ ...good, 'cs-protocol': 'ftp' }))).toEqual({ ok: false, reason: 'protocol' });
    expect(parseRealtimeLogLine(fields({ ...good, 'cs-host': 'evil.example/x' }))).toEqual({ ok: false, reason: 'host' });
    expect(parseRealtimeLogLine(fields({ ...good, 'cs-uri-stem': 'no-slash' }))).toEqual({ ok: false, reason: 'uri' });
    expect(parseRealtimeLogLine(undefined as unknown as string)).toEqual({ ok: false, reason: 'empty' });
  });

  it('splits a query string attached to cs-uri-stem', () => {
    const line = REALTIME_LOG_FIELDS.map((name) =>
      ({ timestamp: '1763719200.5', 'c-ip': '203.0.113.1', 'sc-status': '200', 'cs-method': 'GET', 'cs-protocol': 'https', 'cs-host': 'shop.example', 'cs-uri-stem': '/p?a=1' } as Record<string, string>)[name] ?? '-',
    ).join('\t');
    expect(parsed(line)).toMatchObject({ uri: '/p', query: 'a=1' });
    expect(parsed(line).at.toISOString()).toBe('2025-11-21T10:00:00.500Z');
  });

  it('never throws on arbitrary input (fuzz)', () => {
    const cell = fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom('-', '200', '000', 'GET', 'https', '/', '1763719200.123', '203.0.113.9', 'a:b%0Ac', '%E0%A4%A', '%0A'));
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 400 }), fc.array(cell, { minLength: REALTIME_LOG_FIELDS.length, maxLength: REALTIME_LOG_FIELDS.length }).map((cells) => cells.join('\t'))), (line) => {
        const result = parseRealtimeLogLine(line);
        expect(typeof result.ok).toBe('boolean');
      }),
      { numRuns: 500 },
    );
  });
});

describe('formatRealtimeLogLine()', () => {
  const entry: RealtimeLogEntry = {
    at: new Date('2025-11-21T10:00:00.123Z'),
    clientIp: '203.0.113.5',
    status: 200,
    method: 'GET',
    protocol: 'http',
    host: '127.0.0.1:3001',
    uri: '/caf%C3%A9/page',
    query: 'q=a%20b&x=1',
    requestId: 'req-1',
    headers: [
      ['Host', '127.0.0.1:3001'],
      ['User-Agent', CHROME],
      ['Accept', 'text/html'],
      ['Accept-Language', 'fr-FR,fr;q=0.9'],
      ['Cookie', 'ep_sid=AbCdEfGhIjKlMnOpQrStUv'],
      ['X-Odd', 'tab\there "quoted" 100% é'],
    ],
    country: 'FR',
    asn: 3215,
  };

  it('writes a line the parser reads back to the same request', () => {
    const record = parsed(formatRealtimeLogLine(entry));
    expect(record).toMatchObject({ at: entry.at, clientIp: '203.0.113.5', status: 200, host: '127.0.0.1:3001', uri: '/caf%C3%A9/page', query: 'q=a%20b&x=1', requestId: 'req-1', country: 'FR', asn: 3215 });
    expect(record.headers).toMatchObject({ 'user-agent': CHROME, 'accept-language': 'fr-FR,fr;q=0.9', cookie: 'ep_sid=AbCdEfGhIjKlMnOpQrStUv', 'x-odd': 'tab\there "quoted" 100% é' });
    expect(record.headerNames).toEqual(['host', 'user-agent', 'accept', 'accept-language', 'cookie', 'x-odd']);
  });

  it('leaves the cookie out of cs-headers and cuts the header fields at 800 bytes, as CloudFront does', () => {
    const line = formatRealtimeLogLine({ ...entry, headers: [...entry.headers, ['X-Long', 'x'.repeat(1000)], ['Accept-Encoding', 'gzip']] });
    const cells = line.split('\t');
    const csHeaders = cells[REALTIME_LOG_FIELDS.indexOf('cs-headers')]!;
    expect(csHeaders.length).toBe(800);
    expect(csHeaders).not.toContain('ep_sid');
    const record = parsed(line);
    expect(record.headers['x-long']).toBeUndefined();
    expect(record.headers['accept-encoding']).toBe('gzip');
  });

  it('round-trips arbitrary header values without breaking the line (fuzz)', () => {
    const LONE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
    // HTTP header values cannot hold CR, LF or NUL; `-` alone is the format's "empty".
    const text = fc
      .oneof(fc.string({ maxLength: 80, unit: 'binary' }), fc.string({ maxLength: 80 }))
      .map((value) => value.replace(/[\r\n\0]/g, ' '))
      .filter((value) => value !== '-');
    fc.assert(
      fc.property(text, text, (agent, language) => {
        const line = formatRealtimeLogLine({ ...entry, headers: [['User-Agent', agent], ['Accept-Language', language]] });
        expect(line.split('\t')).toHaveLength(REALTIME_LOG_FIELDS.length);
        const record = parsed(line);
        // Lone surrogates cannot be encoded and become U+FFFD.
        const wellFormed = (value: string) => value.replace(LONE, '\uFFFD');
        expect(record.headers['user-agent'] ?? '').toBe(wellFormed(agent));
        expect(record.headers['accept-language'] ?? '').toBe(wellFormed(language));
      }),
      { numRuns: 300 },
    );
  });
});
