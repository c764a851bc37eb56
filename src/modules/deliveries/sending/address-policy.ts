import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/** IPv6 global unicast, 2000::/3: the only IPv6 space a public receiver can live in. */
const GLOBAL_UNICAST_V6 = ipaddr.parseCIDR('2000::/3');

function isBlockedV4(addr: ipaddr.IPv4): boolean {
  // ipaddr.js names every special-purpose range (private, loopback, linkLocal, multicast,
  // unspecified 0/8, broadcast, carrierGradeNat, reserved incl. the documentation and
  // benchmarking nets and 240/4, as112, amt); ordinary public addresses are 'unicast'.
  return addr.range() !== 'unicast';
}

/** The IPv4 address in the last 32 bits of an IPv6 address. */
function low32(addr: ipaddr.IPv6): ipaddr.IPv4 {
  const p = addr.parts;
  return new ipaddr.IPv4([p[6] >> 8, p[6] & 0xff, p[7] >> 8, p[7] & 0xff]);
}

function isBlockedV6(addr: ipaddr.IPv6): boolean {
  const p = addr.parts;
  switch (addr.range()) {
    case 'ipv4Mapped': // ::ffff:a.b.c.d
    case 'rfc6145': // ::ffff:0:a.b.c.d (SIIT)
      return isBlockedV4(low32(addr));
    case 'rfc6052':
      // 64:ff9b::/96 (well-known NAT64 prefix) carries a real IPv4 destination; the local-use
      // prefix 64:ff9b:1::/48 reaches whatever the operator's translator points it at: refuse.
      return p[2] !== 0 || p[3] !== 0 || p[4] !== 0 || p[5] !== 0 || isBlockedV4(low32(addr));
    case '6to4': // 2002:AABB:CCDD::/48 tunnels to a.b.c.d
      return isBlockedV4(new ipaddr.IPv4([p[1] >> 8, p[1] & 0xff, p[2] >> 8, p[2] & 0xff]));
    case 'unicast':
      // Also refuses the deprecated IPv4-compatible ::a.b.c.d and everything outside 2000::/3.
      return !addr.match(GLOBAL_UNICAST_V6);
    default:
      // unspecified, loopback, linkLocal, uniqueLocal, multicast, deprecatedSiteLocal, discard,
      // teredo (its embedded client address is obfuscated and NAT-ed: refuse), benchmarking,
      // amt, as112v6, orchid, reserved (documentation 2001:db8::/32, 3fff::/20, 2001::/23), ...
      return true;
  }
}

const DOTTED_TAIL = /(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(%.*)?$/;

/**
 * Rewrites an IPv6 address ending in dotted IPv4 (`::ffff:1.2.3.4`) to pure hex groups. ipaddr.js
 * reads the deprecated IPv4-compatible `::1.2.3.4` as if it were IPv4-mapped `::ffff:1.2.3.4`;
 * after this rewrite it sees the real address (`::102:304`), which the policy refuses.
 */
function dottedTailToHex(ip: string): string {
  return ip.replace(
    DOTTED_TAIL,
    (_m, a: string, b: string, c: string, d: string, zone?: string) => {
      const hi = ((Number(a) << 8) | Number(b)).toString(16);
      const lo = ((Number(c) << 8) | Number(d)).toString(16);
      return `${hi}:${lo}${zone ?? ''}`;
    },
  );
}

/**
 * True when a webhook must not connect to this IP address: anything that is not ordinary public
 * unicast (private, loopback, link-local, multicast, unspecified, broadcast, carrier-grade NAT,
 * reserved and documentation ranges, unique-local IPv6, and IPv6 forms that embed a blocked IPv4
 * address: IPv4-mapped, NAT64, 6to4). Anything that is not a valid IP address is blocked too.
 */
export function isBlockedAddress(ip: string): boolean {
  const family = isIP(ip);
  if (family === 0) {
    return true;
  }
  try {
    return family === 4
      ? isBlockedV4(ipaddr.IPv4.parse(ip))
      : isBlockedV6(ipaddr.IPv6.parse(dottedTailToHex(ip)));
  } catch {
    return true;
  }
}
