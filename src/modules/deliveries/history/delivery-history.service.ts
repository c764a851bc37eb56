import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { decodeCursor, encodeCursor } from '../../../common/cursor';
import { NotFound } from '../../../common/errors';
import { WebhookStats, WebhooksService } from '../../webhooks/webhooks.service';
import { byDeliveryId } from '../delivery-ids';
import type {
  DeliveryDetailResponse,
  DeliveryPage,
  DeliveryResponse,
} from '../dto/delivery-response.dto';
import { DeliveryQueryDto } from '../dto/delivery.dto';
import { LaneStates } from '../lanes/lane-state';
import {
  AttemptRow,
  DELIVERY_COLUMNS,
  DeliveryRow,
  mayWait,
  presentAttempt,
  presentDelivery,
} from './delivery-presenter';
import { dayWindows } from './day-windows';
import { keysetQuery } from './keyset';

/** A webhook's newest delivery, as its row on the webhooks page shows it. */
interface LastDelivery {
  created_at: Date;
  status: string;
}

/** The webhooks page looks for each webhook's last delivery in this recent past first. */
const RECENT_MS = 2 * 86_400_000;

/** The delivery history for the console: lists, details, and each webhook's figures. */
@Injectable()
export class DeliveryHistory {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly webhooks: WebhooksService,
    private readonly lanes: LaneStates,
  ) {}

  /** Newest first, keyset-paged on (created_at, id); see keyset.ts, read by day-windows.ts. */
  async list(q: DeliveryQueryDto): Promise<DeliveryPage> {
    const limit = q.limit ?? 50;
    const cursor = q.cursor ? decodeCursor(q.cursor) : null;
    const rows: DeliveryRow[] = [];
    // A key's deliveries are a handful, close in time, on any day: one statement over every day
    // costs less than walking the windows to them.
    const windows = q.ordering_key
      ? [{ from: null, to: null }]
      : dayWindows({ from: q.from, to: q.to, cursorAt: cursor?.at }, new Date());
    for (const window of windows) {
      const { where, order, params } = keysetQuery(q, cursor, window);
      params.push(limit + 1 - rows.length);
      const found: DeliveryRow[] = await this.db.query(
        `SELECT ${DELIVERY_COLUMNS} FROM deliveries d
          ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
          ORDER BY ${order} LIMIT $${params.length}`,
        params,
      );
      rows.push(...found);
      if (rows.length > limit) break;
    }
    const more = rows.length > limit;
    const page = more ? rows.slice(0, limit) : rows;
    const last = page[page.length - 1];
    return {
      data: await this.present(page),
      next_cursor: more && last ? encodeCursor(last.created_at, last.id) : null,
    };
  }

  /** One delivery with its attempts (read from its day's partition: see delivery-ids.ts). */
  async detail(id: string): Promise<DeliveryDetailResponse> {
    const byId = byDeliveryId('d', id);
    const rows: (DeliveryRow & { body: string; partition_at: string })[] = await this.db.query(
      `SELECT ${DELIVERY_COLUMNS}, d.body, d.created_at::text AS partition_at
         FROM deliveries d WHERE ${byId.sql}`,
      byId.params,
    );
    const d = rows[0];
    if (!d) throw new NotFound();
    const attempts: AttemptRow[] = await this.db.query(
      `SELECT number, trigger, started_at, duration_ms, request_headers, response_status,
              response_headers, response_body, response_body_truncated, error_code, error_message
         FROM delivery_attempts WHERE delivery_id = $1 AND delivery_created_at = $2
        ORDER BY number, id`,
      [id, d.partition_at],
    );
    const [presented] = await this.present([d]);
    return {
      ...presented,
      payload: JSON.parse(d.body) as unknown,
      attempts: attempts.map(presentAttempt),
    };
  }

  /** The row of one delivery as the list shows it (after a replay). */
  async summary(id: string): Promise<DeliveryResponse> {
    const byId = byDeliveryId('d', id);
    const rows: DeliveryRow[] = await this.db.query(
      `SELECT ${DELIVERY_COLUMNS} FROM deliveries d WHERE ${byId.sql}`,
      byId.params,
    );
    if (!rows[0]) throw new NotFound();
    return (await this.present(rows))[0];
  }

  private async present(rows: DeliveryRow[]): Promise<DeliveryResponse[]> {
    const heads = await this.headsOfKeys(rows.filter(mayWait));
    return rows.map((r) => presentDelivery(r, heads.get(r.id) ?? null));
  }

  /**
   * For each open delivery of a webhook that orders per key, the earlier open delivery of its key
   * it waits for. Asked only for such rows (most pages have none), so that a page's own query
   * stays one scan of its day partitions.
   */
  private async headsOfKeys(rows: DeliveryRow[]): Promise<Map<string, string>> {
    const perKey = await this.webhooks.perKeyIds([
      ...new Set(rows.map((r) => r.webhook_id as string)),
    ]);
    const waiting = rows.filter((r) => perKey.has(r.webhook_id as string));
    if (waiting.length === 0) return new Map();
    const heads: { id: string; head: string | null }[] = await this.db.query(
      `SELECT r.id, (SELECT e.id FROM deliveries e
                      WHERE e.webhook_id = r.webhook_id AND e.ordering_key = r.key
                        AND e.sequence < r.sequence AND e.status IN ('pending', 'retrying')
                        AND NOT e.replay_requested
                      ORDER BY e.sequence LIMIT 1) AS head
         FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::bigint[])
              AS r(id, webhook_id, key, sequence)`,
      [
        waiting.map((r) => r.id),
        waiting.map((r) => r.webhook_id),
        waiting.map((r) => r.ordering_key),
        waiting.map((r) => r.sequence),
      ],
    );
    return new Map(heads.filter((h) => h.head !== null).map((h) => [h.id, h.head as string]));
  }

  /**
   * Last delivery, the 24 h success rate and the lane of each webhook. The rate is succeeded /
   * finished (succeeded or dead-lettered, test deliveries left out) over the current clock hour and
   * the 23 before it, from delivery_outcome_hours (the record stage counts each finish there).
   */
  async webhookStats(ids: string[]): Promise<Map<string, WebhookStats>> {
    if (ids.length === 0) return new Map();
    const [last, rates, lanes] = await Promise.all([
      this.lastDeliveries(ids),
      this.successRates(ids),
      this.lanes.states(ids),
    ]);
    return new Map(
      ids.map((id) => [
        id,
        {
          last_delivery_at: last.get(id)?.created_at.toISOString() ?? null,
          last_delivery_status: last.get(id)?.status ?? null,
          success_rate_24h: rates.get(id) ?? null,
          lane: lanes.get(id) ?? {
            in_flight: 0,
            due: 0,
            oldest_due_at: null,
            throttled_until: null,
          },
        },
      ]),
    );
  }

  /**
   * Each webhook's newest delivery (tests left out): looked for in the last two days first, which
   * plans and reads those days' partitions only, then over every day for the webhooks that had
   * none there.
   */
  private async lastDeliveries(ids: string[]): Promise<Map<string, LastDelivery>> {
    const recent = await this.lastIn(ids, new Date(Date.now() - RECENT_MS));
    const older = ids.filter((id) => !recent.has(id));
    if (older.length > 0) for (const [id, d] of await this.lastIn(older, null)) recent.set(id, d);
    return recent;
  }

  private async lastIn(ids: string[], since: Date | null): Promise<Map<string, LastDelivery>> {
    const rows: (LastDelivery & { id: string })[] = await this.db.query(
      `SELECT w.id, last.created_at, last.status
         FROM unnest($1::uuid[]) AS w(id)
         JOIN LATERAL (
           SELECT created_at, status FROM deliveries d
            WHERE d.webhook_id = w.id AND NOT d.is_test
              ${since ? 'AND d.created_at >= $2::timestamptz' : ''}
            ORDER BY created_at DESC, id DESC LIMIT 1) last ON true`,
      since ? [ids, since] : [ids],
    );
    return new Map(rows.map((r) => [r.id, r]));
  }

  private async successRates(ids: string[]): Promise<Map<string, number>> {
    const rows: { id: string; finished: number; succeeded: number }[] = await this.db.query(
      `SELECT webhook_id AS id, sum(succeeded + dead_lettered)::int AS finished,
              sum(succeeded)::int AS succeeded
         FROM delivery_outcome_hours
        WHERE webhook_id = ANY($1::uuid[]) AND hour > date_trunc('hour', now()) - interval '24 hours'
        GROUP BY webhook_id`,
      [ids],
    );
    return new Map(
      rows
        .filter((r) => r.finished > 0)
        .map((r) => [r.id, Math.round((r.succeeded / r.finished) * 1000) / 1000]),
    );
  }
}
