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
  presentAttempt,
  presentDelivery,
} from './delivery-presenter';
import { keysetQuery } from './keyset';

/** The delivery history for the console: lists, details, and each webhook's figures. */
@Injectable()
export class DeliveryHistory {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly webhooks: WebhooksService,
    private readonly lanes: LaneStates,
  ) {}

  /** Newest first, keyset-paged on (created_at, id); see keyset.ts. */
  async list(q: DeliveryQueryDto): Promise<DeliveryPage> {
    const limit = q.limit ?? 50;
    const cursor = q.cursor ? decodeCursor(q.cursor) : null;
    const { where, order, params } = keysetQuery(q, cursor);
    params.push(limit + 1);
    const rows: DeliveryRow[] = await this.db.query(
      `SELECT ${DELIVERY_COLUMNS} FROM deliveries d
        ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY ${order} LIMIT $${params.length}`,
      params,
    );
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
    const waiting = rows.filter((r) => r.waiting_for !== null && r.webhook_id !== null);
    const perKey = await this.webhooks.perKeyIds(waiting.map((r) => r.webhook_id as string));
    return rows.map((r) => presentDelivery(r, r.webhook_id !== null && perKey.has(r.webhook_id)));
  }

  /** Last delivery, the 24 h success rate (succeeded / finished) and the lane of each webhook. */
  async webhookStats(ids: string[]): Promise<Map<string, WebhookStats>> {
    if (ids.length === 0) return new Map();
    const rows: {
      id: string;
      last_at: Date | null;
      last_status: string | null;
      finished: number;
      succeeded: number;
    }[] = await this.db.query(
      `SELECT w.id, last.created_at AS last_at, last.status AS last_status,
              s.finished, s.succeeded
         FROM unnest($1::uuid[]) AS w(id)
         LEFT JOIN LATERAL (
           SELECT created_at, status FROM deliveries d
            WHERE d.webhook_id = w.id AND NOT d.is_test
            ORDER BY created_at DESC, id DESC LIMIT 1) last ON true
         LEFT JOIN LATERAL (
           SELECT count(*) FILTER (WHERE status IN ('succeeded', 'dead_letter'))::int AS finished,
                  count(*) FILTER (WHERE status = 'succeeded')::int AS succeeded
             FROM deliveries d
            WHERE d.webhook_id = w.id AND NOT d.is_test
              AND d.created_at > now() - interval '24 hours') s ON true`,
      [ids],
    );
    const lanes = await this.lanes.states(ids);
    return new Map(
      rows.map((r) => [
        r.id,
        {
          last_delivery_at: r.last_at?.toISOString() ?? null,
          last_delivery_status: r.last_status,
          success_rate_24h:
            r.finished > 0 ? Math.round((r.succeeded / r.finished) * 1000) / 1000 : null,
          lane: lanes.get(r.id) ?? {
            in_flight: 0,
            due: 0,
            oldest_due_at: null,
            throttled_until: null,
          },
        },
      ]),
    );
  }
}
