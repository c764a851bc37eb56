import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { Actor } from '../../common/actor';
import { Conflict, NotFound } from '../../common/errors';
import { JobMap, QueueName } from '../../platform/queues';
import { AuditService } from '../audit/audit.service';
import { WebhooksService } from '../webhooks/webhooks.service';
import { byDeliveryId } from './delivery-ids';
import type { DeliveryResponse } from './dto/delivery-response.dto';
import { DeliveryHistory } from './history/delivery-history.service';
import { LaneSignals } from './lanes/lane-signals';

export type BulkReplayData = JobMap[QueueName.Maintenance]['bulk-replay'];
const BULK_BATCH = 1000;

/**
 * Replays: one more attempt of a finished delivery (same id and body, fresh timestamp and
 * signature), alone or for every dead letter of a webhook since a time (in the background).
 */
@Injectable()
export class ReplayService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly webhooks: WebhooksService,
    private readonly history: DeliveryHistory,
    private readonly audit: AuditService,
    private readonly signals: LaneSignals,
    @InjectQueue(QueueName.Maintenance) private readonly maintenance: Queue,
  ) {}

  async replay(actor: Actor, id: string): Promise<DeliveryResponse> {
    const byId = byDeliveryId('d', id);
    const webhookId = await this.db.transaction(async (tx) => {
      const updated: [{ webhook_id: string; event: string }[], number] = await tx.query(
        `UPDATE deliveries d SET status = 'pending', replay_requested = true,
                next_attempt_at = now(), updated_at = date_trunc('milliseconds', now())
          WHERE ${byId.sql} AND d.status IN ('succeeded', 'dead_letter')
            AND d.webhook_id IS NOT NULL
          RETURNING d.webhook_id, d.event`,
        byId.params,
      );
      const d = updated[0][0];
      if (!d) await this.refuse(id);
      await this.audit.record(tx, actor, {
        action: 'delivery.replayed',
        targetType: 'delivery',
        targetId: id,
        after: { webhook_id: d.webhook_id, event: d.event },
      });
      return d.webhook_id;
    });
    await this.signals.signal([webhookId]);
    return this.history.summary(id);
  }

  /** Why a delivery cannot be replayed (always throws). */
  private async refuse(id: string): Promise<never> {
    const byId = byDeliveryId('d', id);
    const found: { status: string; webhook_id: string | null }[] = await this.db.query(
      `SELECT d.status, d.webhook_id FROM deliveries d WHERE ${byId.sql}`,
      byId.params,
    );
    if (!found[0]) throw new NotFound();
    if (found[0].status === 'pending' || found[0].status === 'retrying') {
      throw new Conflict('An attempt of this delivery is already pending.');
    }
    if (found[0].status === 'cancelled') {
      throw new Conflict('This delivery was cancelled; it cannot be replayed.');
    }
    throw new Conflict('The webhook of this delivery was deleted; it cannot be replayed.');
  }

  /** Counts the webhook's dead letters since `since` and replays them in the background. */
  async requestBulk(actor: Actor, webhookId: string, since: Date): Promise<number> {
    await this.webhooks.get(webhookId);
    const until = new Date();
    const count = await this.db.transaction(async (tx) => {
      const rows: { n: number }[] = await tx.query(
        `SELECT count(*)::int AS n FROM deliveries
          WHERE webhook_id = $1 AND status = 'dead_letter' AND NOT is_test
            AND created_at >= $2 AND created_at <= $3`,
        [webhookId, since, until],
      );
      await this.audit.record(tx, actor, {
        action: 'delivery.replayed',
        targetType: 'webhook',
        targetId: webhookId,
        after: { bulk: true, since: since.toISOString(), count: rows[0].n },
      });
      return rows[0].n;
    });
    if (count > 0) {
      const data: BulkReplayData = {
        webhookId,
        since: since.toISOString(),
        until: until.toISOString(),
      };
      await this.maintenance.add('bulk-replay', data);
    }
    return count;
  }

  /** The bulk replay job: every dead letter of the window goes back to its lane, in batches. */
  async replayBulk(data: BulkReplayData): Promise<number> {
    let total = 0;
    for (;;) {
      const rows: { id: string }[] = await this.db.query(
        `UPDATE deliveries SET status = 'pending', replay_requested = true,
                next_attempt_at = now(), updated_at = date_trunc('milliseconds', now())
          WHERE (id, created_at) IN (
            SELECT id, created_at FROM deliveries
             WHERE webhook_id = $1 AND status = 'dead_letter' AND NOT is_test
               AND created_at >= $2 AND created_at <= $3
             ORDER BY created_at LIMIT $4 FOR UPDATE SKIP LOCKED)
          RETURNING id`,
        [data.webhookId, data.since, data.until, BULK_BATCH],
      );
      if (rows.length === 0) return total;
      await this.signals.signal([data.webhookId]);
      total += rows.length;
    }
  }
}
