import * as ipaddr from 'ipaddr.js';

export type IpAddress = ipaddr.IPv4 | ipaddr.IPv6;

/**
 * Parses an IP address only in its standard forms: dotted quad with decimal octets and no leading
 * zeros for IPv4, RFC 4291 text (no zone id) for IPv6. Legacy forms that inet_aton and ipaddr.js
 * accept (`010.0.0.1` as octal 8.0.0.1, `0x0a.0.0.1`, `167772161`, `10.1`) are refused rather
 * than reinterpreted, and so are IPv4 parts inside IPv6 in those forms.
 */
export function parseStrictIp(value: string): IpAddress | null {
  if (value.length > 45) return null;
  if (ipaddr.IPv4.isValidFourPartDecimal(value)) return ipaddr.IPv4.parse(value);
  if (!value.includes(':') || value.includes('%') || !ipaddr.IPv6.isValid(value)) return null;
  const embedded = value.slice(value.lastIndexOf(':') + 1);
  if (embedded.includes('.') && !ipaddr.IPv4.isValidFourPartDecimal(embedded)) return null;
  return ipaddr.IPv6.parse(value);
}

/** `address` or `address/bits` in the strict forms of parseStrictIp. */
export function parseStrictCidr(value: string): [IpAddress, number] | null {
  const slash = value.indexOf('/');
  if (slash < 0) {
    const addr = parseStrictIp(value);
    return addr ? [addr, addr.kind() === 'ipv4' ? 32 : 128] : null;
  }
  const addr = parseStrictIp(value.slice(0, slash));
  const bits = value.slice(slash + 1);
  if (!addr || !/^\d{1,3}$/.test(bits)) return null;
  const n = Number(bits);
  return n <= (addr.kind() === 'ipv4' ? 32 : 128) ? [addr, n] : null;
}

/** An address as the platform compares it: IPv4-mapped IPv6 (`::ffff:1.2.3.4`) as IPv4. */
export function normaliseIp(addr: IpAddress): IpAddress {
  if (addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).isIPv4MappedAddress()) {
    return (addr as ipaddr.IPv6).toIPv4Address();
  }
  return addr;
}

/**
 * The key a per-client throttle counts under: the IPv4 address, or the /64 of an IPv6 address
 * (one subscriber usually holds a whole /64, so per-address keys would be free to rotate).
 */
export function throttleSubject(ip: string): string {
  let addr: IpAddress;
  try {
    addr = normaliseIp(ipaddr.parse(ip));
  } catch {
    return ip;
  }
  if (addr.kind() === 'ipv4') return addr.toString();
  const groups = (addr as ipaddr.IPv6).parts.slice(0, 4).map((p) => p.toString(16));
  return `${groups.join(':')}::/64`;
}
