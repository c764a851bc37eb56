import type { DeliveryQueryDto } from '../dto/delivery.dto';
import type { DayWindow } from './day-windows';

const MIN_UUID = '00000000-0000-0000-0000-000000000000';
const MAX_UUID = 'ffffffff-ffff-ffff-ffff-ffffffffffff';

export interface KeysetQuery {
  where: string[];
  order: string;
  params: unknown[];
}

/**
 * The WHERE and ORDER BY of a history page, newest first, keyset-paged on (created_at, id).
 *
 * Filtered on a webhook, an ordering key or an event, the key is led by it and bounded on both
 * sides, e.g. (event, created_at, id) between (e, from, min) and (e, cursor or to), ordered by all
 * three: only that filter's own index (deliveries_webhook_created_idx, deliveries_key_created_idx,
 * deliveries_event_created_idx) yields this order. With a plain `event = $1` the planner may walk
 * deliveries_created_idx back instead, expecting matches spread evenly over time, and read every
 * newer delivery of other events first when the newest are of other kinds. Filtered on a failed
 * or open status, the planner's choice stands: those deliveries are few and indexed on their own.
 *
 * The window and the cursor also bound created_at on its own, so only the day partitions
 * (docs/architecture.md, "Delivery history partitions") that can hold the page are read; each
 * partition's index yields its rows in order and PostgreSQL merges them.
 */
export function keysetQuery(
  q: DeliveryQueryDto,
  cursor: { at: Date; id: string } | null,
  window: DayWindow = { from: null, to: null },
): KeysetQuery {
  const where: string[] = [];
  const params: unknown[] = [];
  const param = (value: unknown, cast = '') => {
    params.push(value);
    return `$${params.length}${cast}`;
  };
  const lead = leadingFilter(q, param);
  if (q.webhook_id && lead?.column !== 'webhook_id') {
    where.push(`d.webhook_id = ${param(q.webhook_id, '::uuid')}`);
  }
  if (q.ordering_key && lead?.column !== 'ordering_key') {
    where.push(`d.ordering_key = ${param(q.ordering_key)}`);
  }
  if (q.event && lead?.column !== 'event') where.push(`d.event = ${param(q.event)}`);
  if (q.status) where.push(`d.status = ${param(q.status)}`);
  if (lead) {
    const key = `(d.${lead.column}, d.created_at, d.id)`;
    const at = (value: string) => `(${lead.value}, ${value})`;
    const from = q.from ? param(q.from, '::timestamptz') : `'-infinity'::timestamptz`;
    where.push(`${key} >= ${at(`${from}, '${MIN_UUID}'::uuid`)}`);
    // The same bounds on created_at alone, which the day partitions are pruned by.
    if (q.from) where.push(`d.created_at >= ${from}`);
    if (q.to) {
      const to = param(q.to, '::timestamptz');
      where.push(`${key} < ${at(`${to}, '${MIN_UUID}'::uuid`)}`, `d.created_at < ${to}`);
    }
    if (cursor) {
      const before = param(cursor.at, '::timestamptz');
      where.push(
        `${key} < ${at(`${before}, ${param(cursor.id, '::uuid')}`)}`,
        `d.created_at <= ${before}`,
      );
    }
    if (!q.to && !cursor) {
      where.push(`${key} <= ${at(`'infinity'::timestamptz, '${MAX_UUID}'::uuid`)}`);
    }
  } else {
    if (q.from) where.push(`d.created_at >= ${param(q.from)}`);
    if (q.to) where.push(`d.created_at < ${param(q.to)}`);
    if (cursor) {
      const before = param(cursor.at, '::timestamptz');
      where.push(
        `(d.created_at, d.id) < (${before}, ${param(cursor.id, '::uuid')})`,
        `d.created_at <= ${before}`,
      );
    }
  }
  // The day window (day-windows.ts) the page is read through.
  if (window.from) where.push(`d.created_at >= ${param(window.from, '::timestamptz')}`);
  if (window.to) where.push(`d.created_at < ${param(window.to, '::timestamptz')}`);
  const order = lead
    ? `d.${lead.column} DESC, d.created_at DESC, d.id DESC`
    : 'd.created_at DESC, d.id DESC';
  return { where, order, params };
}

/** The filter that leads the key, if any (the other statuses have partial indexes of their own). */
function leadingFilter(
  q: DeliveryQueryDto,
  param: (value: unknown, cast?: string) => string,
): { column: string; value: string } | null {
  if (q.status && q.status !== 'succeeded') return null;
  if (q.webhook_id) return { column: 'webhook_id', value: param(q.webhook_id, '::uuid') };
  if (q.ordering_key) return { column: 'ordering_key', value: param(q.ordering_key, '::text') };
  if (q.event) return { column: 'event', value: param(q.event, '::text') };
  return null;
}
