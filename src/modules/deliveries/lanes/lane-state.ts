import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { LaneState } from '../../webhooks/webhooks.service';

/**
 * A lane's throttle (a 429/503 with Retry-After holds the whole lane until then) and its live
 * state as the console shows it.
 */
@Injectable()
export class LaneStates {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Holds the lane until `until` (a later throttle wins over an earlier one). */
  async throttle(webhookId: string, until: Date): Promise<void> {
    await this.db.query(
      `INSERT INTO delivery_lanes (webhook_id, throttled_until) VALUES ($1, $2)
       ON CONFLICT (webhook_id) DO UPDATE
         SET throttled_until = GREATEST(delivery_lanes.throttled_until, EXCLUDED.throttled_until)`,
      [webhookId, until],
    );
  }

  /** In flight, due, oldest due and throttle of each lane. */
  async states(webhookIds: string[]): Promise<Map<string, LaneState>> {
    if (webhookIds.length === 0) return new Map();
    const rows: {
      id: string;
      in_flight: number;
      due: number;
      oldest: Date | null;
      throttled: Date | null;
    }[] = await this.db.query(
      `SELECT w.id, s.in_flight, s.due, s.oldest,
              (SELECT l.throttled_until FROM delivery_lanes l
                WHERE l.webhook_id = w.id AND l.throttled_until > now()) AS throttled
         FROM unnest($1::uuid[]) AS w(id)
         CROSS JOIN LATERAL (
           SELECT count(*) FILTER (WHERE d.claimed_until > now())::int AS in_flight,
                  count(*) FILTER (WHERE d.next_attempt_at <= now())::int AS due,
                  min(d.next_attempt_at) FILTER (WHERE d.next_attempt_at <= now()) AS oldest
             FROM deliveries d
            WHERE d.webhook_id = w.id AND d.status IN ('pending', 'retrying')) s`,
      [webhookIds],
    );
    return new Map(
      rows.map((r) => [
        r.id,
        {
          in_flight: r.in_flight,
          due: r.due,
          oldest_due_at: r.oldest?.toISOString() ?? null,
          throttled_until: r.throttled?.toISOString() ?? null,
        },
      ]),
    );
  }
}
