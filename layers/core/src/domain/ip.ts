import ipaddr from 'ipaddr.js';
import type { IpMode } from '../config';

/**
 * Parses an IP address, unwrapping IPv4-mapped IPv6 (`::ffff:1.2.3.4`, what Node sockets report).
 * Returns undefined for anything that is not an address.
 */
export function parseIp(raw: string | undefined): ipaddr.IPv4 | ipaddr.IPv6 | undefined {
  if (raw === undefined || raw.length === 0 || raw.length > 64) return undefined;
  const candidate = raw.trim();
  if (!ipaddr.isValid(candidate)) return undefined;
  const parsed = ipaddr.parse(candidate);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) {
    return (parsed as ipaddr.IPv6).toIPv4Address();
  }
  return parsed;
}

function zeroBits(address: ipaddr.IPv4 | ipaddr.IPv6, keepBits: number): string {
  const bytes = address.toByteArray();
  for (let bit = keepBits; bit < bytes.length * 8; bit += 1) {
    const index = Math.floor(bit / 8);
    bytes[index] = (bytes[index] ?? 0) & ~(0x80 >> (bit % 8));
  }
  return ipaddr.fromByteArray(bytes).toString();
}

/**
 * The network an address belongs to: IPv4 /24, IPv6 /48. Used inside the fingerprint hash,
 * so one browser on one network keeps its id while its host bits change.
 * @example networkPrefix('203.0.113.77') // '203.0.113.0'
 */
export function networkPrefix(raw: string | undefined): string {
  const address = parseIp(raw);
  if (address === undefined) return '';
  return zeroBits(address, address.kind() === 'ipv4' ? 24 : 48);
}

/**
 * The IPv4 address a transition address carries: 6to4 (`2002:AABB:CCDD::/48`, the site's IPv4 in
 * bits 16–47) and Teredo (`2001:0::/32`, the client's public IPv4 inverted in the last 32 bits).
 * Their IPv6 /48 would keep the whole 6to4 IPv4, and a Teredo /48 only the relay's, so both are
 * reduced as the IPv4 they stand for.
 * @example embeddedIpv4(parseIp('2002:cb00:714d::1')!)?.toString() // '203.0.113.77'
 */
export function embeddedIpv4(address: ipaddr.IPv4 | ipaddr.IPv6): ipaddr.IPv4 | undefined {
  if (address.kind() !== 'ipv6') return undefined;
  const bytes = address.toByteArray();
  const range = (address as ipaddr.IPv6).range();
  if (range === '6to4') return ipaddr.fromByteArray(bytes.slice(2, 6)) as ipaddr.IPv4;
  if (range === 'teredo') return ipaddr.fromByteArray(bytes.slice(12, 16).map((byte) => byte ^ 0xff)) as ipaddr.IPv4;
  return undefined;
}

/**
 * What is stored of an IP under the configured mode. Truncated: IPv4 /24, IPv6 /48, and 6to4 and
 * Teredo addresses as their embedded IPv4's /24 (see `embeddedIpv4()`).
 * @example storedIp('2001:db8:1:2:3:4:5:6', 'truncated') // '2001:db8:1::'
 */
export function storedIp(raw: string | undefined, mode: IpMode): string | undefined {
  if (mode === 'none') return undefined;
  const address = parseIp(raw);
  if (address === undefined) return undefined;
  if (mode === 'full') return address.toString();
  const reduced = embeddedIpv4(address) ?? address;
  return zeroBits(reduced, reduced.kind() === 'ipv4' ? 24 : 48);
}
