import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../../config/app-config';
import { byDeliveryId } from '../delivery-ids';
import type { ClaimedDelivery } from './claimed-delivery';

/** The delivery is pending or retrying. */
const OPEN = `d.status IN ('pending', 'retrying')`;

/**
 * With ordering per key, only the head of each key may go: no earlier delivery of its key to the
 * same webhook is still open. A replay does not re-open the order (it neither waits nor holds).
 * `$per_key` is the statement's parameter saying whether the webhook orders.
 */
const HEAD_OF_KEY = (perKey: string) => `(NOT ${perKey} OR d.ordering_key IS NULL
  OR d.replay_requested OR NOT EXISTS (
    SELECT 1 FROM deliveries e
     WHERE e.webhook_id = d.webhook_id AND e.ordering_key = d.ordering_key
       AND e.sequence < d.sequence AND e.status IN ('pending', 'retrying')
       AND NOT e.replay_requested))`;

/** A 429/503 with Retry-After holds the lane `$1` as a whole until then. */
const NOT_THROTTLED = `NOT EXISTS (SELECT 1 FROM delivery_lanes l
  WHERE l.webhook_id = $1 AND l.throttled_until > now())`;

const RETURNING = `d.id, d.webhook_id AS "webhookId", d.attempt_count AS "attemptCount",
  d.replay_requested AS "replayRequested", d.event, d.body, d.is_test AS "isTest",
  d.ordering_key AS "orderingKey", d.sequence::text AS "sequence", d.created_at::text AS "createdAt"`;

/**
 * The claim stage of a lane: takes a lane's due deliveries for one attempt each, oldest first.
 * A claim counts the attempt and moves the delivery's next_attempt_at to the end of its claim, so
 * no other claim takes it while it is sent, and a worker that dies while sending it leaves it due
 * again once the claim expires (its attempt was never recorded, so it is sent again with the same
 * delivery id: the one duplicate receivers dedupe).
 */
@Injectable()
export class LaneClaims {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly config: AppConfig,
  ) {}

  /** Seconds a claim holds: the attempt's deadline and room to record it. */
  get claimSeconds(): number {
    return this.config.WEBHOOK_TIMEOUT_MS / 1000 + 10;
  }

  /** Claims up to `limit` of the lane's due deliveries (heads of their keys when `perKey`). */
  async claim(webhookId: string, limit: number, perKey: boolean): Promise<ClaimedDelivery[]> {
    if (limit <= 0) return [];
    const rows: [(ClaimedDelivery & { rank: string })[], number] = await this.db.query(
      `WITH due AS (
         SELECT d.id, d.next_attempt_at, d.created_at, d.event_id FROM deliveries d
          WHERE d.webhook_id = $1 AND ${OPEN} AND d.next_attempt_at <= now()
            AND ${HEAD_OF_KEY('$3::bool')} AND ${NOT_THROTTLED}
          ORDER BY d.next_attempt_at, d.created_at, d.event_id
          LIMIT $2
          FOR UPDATE SKIP LOCKED)
       UPDATE deliveries d
          SET attempt_count = d.attempt_count + 1,
              next_attempt_at = now() + make_interval(secs => $4),
              claimed_until = now() + make_interval(secs => $4),
              updated_at = date_trunc('milliseconds', now())
         FROM due WHERE d.id = due.id AND d.created_at = due.created_at
       RETURNING ${RETURNING},
                 to_char(due.next_attempt_at, 'YYYYMMDDHH24MISSUS')
                   || to_char(due.created_at, 'YYYYMMDDHH24MISSUS')
                   || lpad(coalesce(due.event_id, 0)::text, 20, '0') AS rank`,
      [webhookId, limit, perKey, this.claimSeconds],
    );
    // Oldest first, in the lane's order (UPDATE … RETURNING keeps none).
    return rows[0]
      .sort((a, b) => (a.rank < b.rank ? -1 : a.rank > b.rank ? 1 : 0))
      .map(({ rank: _rank, ...d }) => d);
  }

  /** Gives claimed deliveries back unsent: due at `at`, their attempt not counted. */
  async release(ids: string[], at: Date): Promise<void> {
    await this.db.query(
      `UPDATE deliveries d
          SET attempt_count = d.attempt_count - 1, next_attempt_at = $2, claimed_until = NULL,
              updated_at = date_trunc('milliseconds', now())
        WHERE d.id = ANY($1::uuid[]) AND ${OPEN}`,
      [ids, at],
    );
  }

  /** Claims one delivery by id whatever its webhook's state (test events). */
  async claimOne(id: string): Promise<ClaimedDelivery | null> {
    const byId = byDeliveryId('d', id, 2);
    const rows: [ClaimedDelivery[], number] = await this.db.query(
      `UPDATE deliveries d
          SET attempt_count = d.attempt_count + 1,
              next_attempt_at = now() + make_interval(secs => $1),
              claimed_until = now() + make_interval(secs => $1),
              updated_at = date_trunc('milliseconds', now())
        WHERE ${byId.sql} AND ${OPEN} AND (d.claimed_until IS NULL OR d.claimed_until < now())
       RETURNING ${RETURNING}`,
      [this.claimSeconds, ...byId.params],
    );
    return rows[0][0] ?? null;
  }

  /**
   * When the lane should be drained next: now if a claim would take something, else its earliest
   * future due time (a retry, a claim that may expire, the end of a throttle), else null
   * (nothing open).
   */
  async nextWake(webhookId: string, perKey: boolean): Promise<Date | null> {
    const rows: { now: boolean; at: Date | null; throttled: Date | null }[] = await this.db.query(
      `SELECT EXISTS (
                SELECT 1 FROM deliveries d
                 WHERE d.webhook_id = $1 AND ${OPEN} AND d.next_attempt_at <= now()
                   AND ${HEAD_OF_KEY('$2::bool')}) AS now,
              (SELECT min(d.next_attempt_at) FROM deliveries d
                WHERE d.webhook_id = $1 AND ${OPEN} AND d.next_attempt_at > now()) AS at,
              (SELECT l.throttled_until FROM delivery_lanes l
                WHERE l.webhook_id = $1 AND l.throttled_until > now()) AS throttled`,
      [webhookId, perKey],
    );
    const row = rows[0];
    if (!row?.now && !row?.at) return null;
    const at = row.now ? new Date() : (row.at as Date);
    return row.throttled && row.throttled > at ? row.throttled : at;
  }
}
