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

    it('never keeps the host part', () => {
      for (const raw of ['203.0.113.77', '::ffff:203.0.113.77', '2001:db8:1:2:3:4:5:6']) {
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
