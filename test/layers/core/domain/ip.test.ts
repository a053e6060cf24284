import { networkPrefix, parseIp, storedIp } from '../../../../layers/core/src/domain/ip';

const GARBAGE = ['garbage', '', '256.1.1.1', '203.0.113.77:443', '[2001:db8::1]', '2001:db8::g', '1.2.3.4.5', `1.2.3.${'4'.repeat(80)}`];

describe('storedIp()', () => {
  describe("mode 'full'", () => {
    it.each([
      ['203.0.113.77', '203.0.113.77'],
      ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2:3:4:5:6'],
      ['2001:0DB8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
      ['::ffff:203.0.113.77', '203.0.113.77'],
      ['::ffff:cb00:714d', '203.0.113.77'],
      [' 198.51.100.9 ', '198.51.100.9'],
    ])('%j → %j', (raw, stored) => {
      expect(storedIp(raw, 'full')).toBe(stored);
    });
  });

  describe("mode 'truncated'", () => {
    it('zeroes the last octet of an IPv4 address', () => {
      expect(storedIp('203.0.113.77', 'truncated')).toBe('203.0.113.0');
      expect(storedIp('127.0.0.1', 'truncated')).toBe('127.0.0.0');
      expect(storedIp('10.255.255.255', 'truncated')).toBe('10.255.255.0');
    });

    it('zeroes the last 80 bits of an IPv6 address (keeps the /48)', () => {
      expect(storedIp('2001:db8:1:2:3:4:5:6', 'truncated')).toBe('2001:db8:1::');
      expect(storedIp('2001:db8:abcd:ffff:ffff:ffff:ffff:ffff', 'truncated')).toBe('2001:db8:abcd::');
      expect(storedIp('::1', 'truncated')).toBe('::');
    });

    it('truncates an IPv4-mapped IPv6 address (what Node sockets report) as IPv4', () => {
      expect(storedIp('::ffff:127.0.0.1', 'truncated')).toBe('127.0.0.0');
      expect(storedIp('::ffff:203.0.113.77', 'truncated')).toBe('203.0.113.0');
    });

    // Issue 11: a 6to4 /48 is the whole embedded IPv4; a Teredo /48 is the relay, with the client's IPv4 in the dropped bits.
    it.each([
      ['2002:cb00:714d::1', '203.0.113.0'],
      ['2002:cb00:714d:abcd:1:2:3:4', '203.0.113.0'],
      ['2002:c633:6409::', '198.51.100.0'],
      // RFC 4380's example: server 65.54.227.120, client 192.0.2.45 (inverted in the last 32 bits).
      ['2001:0000:4136:e378:8000:63bf:3fff:fdd2', '192.0.2.0'],
      ['2001:0:4136:e378:8000:63bf:34ff:8c88', '203.0.115.0'],
    ])('truncates the 6to4 or Teredo address %j to its embedded IPv4 /24 (%j)', (raw, stored) => {
      expect(storedIp(raw, 'truncated')).toBe(stored);
      expect(storedIp(raw, 'full')).toBe(parseIp(raw)?.toString());
    });

    it('does not read an IPv4 out of ordinary IPv6 addresses near the transition ranges', () => {
      expect(storedIp('2001:db8:714d::1', 'truncated')).toBe('2001:db8:714d::');
      expect(storedIp('2003:cb00:714d::1', 'truncated')).toBe('2003:cb00:714d::');
      expect(storedIp('2001:1::1', 'truncated')).toBe('2001:1::');
    });

    it('never keeps the host part', () => {
      for (const raw of ['203.0.113.77', '::ffff:203.0.113.77', '2001:db8:1:2:3:4:5:6', '2002:cb00:714d::1']) {
        const stored = storedIp(raw, 'truncated');
        expect(stored).toBeDefined();
        expect(stored).not.toContain('77');
        expect(stored).not.toContain(':5:6');
      }
    });
  });

  describe("mode 'none'", () => {
    it.each(['203.0.113.77', '2001:db8:1:2:3:4:5:6', '::ffff:203.0.113.77', 'garbage'])('stores nothing of %j', (raw) => {
      expect(storedIp(raw, 'none')).toBeUndefined();
    });
  });

  it.each(GARBAGE)('stores nothing for the non-address %j in any mode', (raw) => {
    expect(storedIp(raw, 'full')).toBeUndefined();
    expect(storedIp(raw, 'truncated')).toBeUndefined();
    expect(storedIp(raw, 'none')).toBeUndefined();
  });

  it('stores nothing when there is no address', () => {
    expect(storedIp(undefined, 'full')).toBeUndefined();
    expect(storedIp(undefined, 'truncated')).toBeUndefined();
  });
});

describe('networkPrefix()', () => {
  it('is the /24 of an IPv4 address', () => {
    expect(networkPrefix('203.0.113.77')).toBe('203.0.113.0');
    expect(networkPrefix('203.0.113.1')).toBe(networkPrefix('203.0.113.254'));
    expect(networkPrefix('203.0.113.1')).not.toBe(networkPrefix('203.0.114.1'));
  });

  it('is the /48 of an IPv6 address', () => {
    expect(networkPrefix('2001:db8:1:2:3:4:5:6')).toBe('2001:db8:1::');
    expect(networkPrefix('2001:db8:1:ffff::1')).toBe(networkPrefix('2001:db8:1:2::9'));
    expect(networkPrefix('2001:db8:1::1')).not.toBe(networkPrefix('2001:db8:2::1'));
  });

  it('gives an IPv4-mapped IPv6 address the prefix of its IPv4 address', () => {
    expect(networkPrefix('::ffff:203.0.113.77')).toBe(networkPrefix('203.0.113.5'));
  });

  it.each([...GARBAGE, undefined])('is empty for %j', (raw) => {
    expect(networkPrefix(raw)).toBe('');
  });
});

describe('parseIp()', () => {
  it('unwraps IPv4-mapped IPv6 to IPv4', () => {
    expect(parseIp('::ffff:127.0.0.1')?.kind()).toBe('ipv4');
    expect(parseIp('::ffff:127.0.0.1')?.toString()).toBe('127.0.0.1');
  });

  it('keeps a real IPv6 address as IPv6', () => {
    expect(parseIp('2001:db8::1')?.kind()).toBe('ipv6');
  });

  it('refuses over-long input before parsing it', () => {
    expect(parseIp(`${'0'.repeat(70)}1.2.3.4`)).toBeUndefined();
  });
});
