import { randomBytes } from 'node:crypto';

const DAY_MS = 86_400_000;

/**
 * A delivery id: a UUIDv7 (RFC 9562) whose 48-bit timestamp is the delivery's created_at, so a
 * lookup by id knows the day partition to read. Receivers see only a UUID.
 */
export function deliveryId(createdAt: Date): string {
  const bytes = randomBytes(16);
  const ms = BigInt(createdAt.getTime());
  for (let i = 0; i < 6; i++) bytes[i] = Number((ms >> BigInt(8 * (5 - i))) & 0xffn);
  bytes[6] = (bytes[6] & 0x0f) | 0x70;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The time a UUIDv7 delivery id carries; null for other ids (v4 ids of older deliveries). */
export function deliveryIdTime(id: string): Date | null {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i.test(id))
    return null;
  return new Date(parseInt(id.slice(0, 8) + id.slice(9, 13), 16));
}

/**
 * The condition that finds delivery `id` as `alias`, its parameters numbered from `$first`: for a
 * UUIDv7 id bounded to the UTC day its time names (one partition, its primary key), for an older
 * id by id alone (one primary-key probe per partition).
 */
export function byDeliveryId(
  alias: string,
  id: string,
  first = 1,
): { sql: string; params: unknown[] } {
  const at = deliveryIdTime(id);
  if (!at) return { sql: `${alias}.id = $${first}::uuid`, params: [id] };
  const day = Math.floor(at.getTime() / DAY_MS) * DAY_MS;
  return {
    sql: `${alias}.id = $${first}::uuid AND ${alias}.created_at >= $${first + 1}::timestamptz
      AND ${alias}.created_at < $${first + 2}::timestamptz`,
    params: [id, new Date(day), new Date(day + DAY_MS)],
  };
}
