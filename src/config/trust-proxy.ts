import { parseStrictCidr } from '../common/ip';

/** Names proxy-addr (Express's `trust proxy`) knows for whole ranges. */
const RANGE_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/**
 * `TRUST_PROXY` as Express's `trust proxy` setting: `false` (trust no `X-Forwarded-For`), or the
 * proxies allowed to set it: addresses, CIDR ranges and the names loopback, linklocal,
 * uniquelocal, comma-separated. Null when the value is none of these (`true`, trusting every
 * hop, is deliberately not offered: any client could then choose its own address).
 */
export function parseTrustProxy(value: string): false | string[] | null {
  const v = value.trim().toLowerCase();
  if (v === 'false') return false;
  const entries = v
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  if (entries.length === 0) return null;
  return entries.every((e) => RANGE_NAMES.has(e) || parseStrictCidr(e) !== null) ? entries : null;
}
