import { InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Job, Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../config/app-config';
import { DELIVER_JOB, DeliverJobData, QUEUES, QueueName } from './queues';

export const RETENTION_JOB = 'retention';
export const BULK_REPLAY_JOB = 'bulk-replay';
export const SWEEP_INTERVAL_MS = 5_000;
/** A due delivery with no attempt for this long is presumed to have lost its job. */
export const LOST_AFTER_SECONDS = 15;
const BATCH = 1000;

export interface BulkReplayData {
  webhookId: string;
  since: string;
  until: string;
}

/** Re-enqueueing, retention and bulk replay: the slow, background work of deliveries. */
@Injectable()
export class DeliveryMaintenance {
  private readonly logger = new Logger('DeliveryMaintenance');

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @InjectQueue(QueueName.Deliveries) private readonly deliveries: Queue<DeliverJobData>,
    private readonly config: AppConfig,
  ) {}

  /**
   * Enqueues due deliveries that have no job (a crash between commit and enqueue). A delivery
   * overdue only because the queue has a backlog still has its job and is left alone (a look-up
   * of the job's hash tells them apart): a busy queue is not re-enqueued on every sweep.
   */
  async sweepLost(): Promise<number> {
    const rows: { id: string }[] = await this.db.transaction(async (tx) => {
      // Walk deliveries_due_idx in order and stop at the limit. A bitmap scan (what the planner
      // picks when its statistics lag) visits the heap for every entry of the index instead,
      // live or not: after a backlog drains that is every delivery of the backlog, 150 ms of
      // database time on every sweep until vacuum catches up. An ordered scan also marks the
      // dead entries it passes, so the next sweep skips them.
      await tx.query(`SET LOCAL enable_bitmapscan = off`);
      return tx.query(
        `SELECT id FROM deliveries
          WHERE status IN ('pending', 'retrying')
            AND next_attempt_at < now() - make_interval(secs => $1)
            AND (claimed_until IS NULL OR claimed_until < now())
          ORDER BY next_attempt_at LIMIT $2`,
        [LOST_AFTER_SECONDS, BATCH],
      );
    });
    if (rows.length === 0) return 0;
    const client = await this.deliveries.client;
    // Sent back to back on one connection, not one round trip each.
    const exists = await Promise.all(
      rows.map((r) => client.hexists(this.deliveries.toKey(r.id), 'name')),
    );
    const lost = rows.filter((_, i) => exists[i] === 0).map((r) => r.id);
    await this.enqueue(lost);
    return lost.length;
  }

  /** Adds jobs for these deliveries; an id that already has a job is left as it is. */
  async enqueue(ids: string[]): Promise<void> {
    for (let i = 0; i < ids.length; i += BATCH) {
      await this.deliveries.addBulk(
        ids.slice(i, i + BATCH).map((id) => ({
          name: DELIVER_JOB,
          data: { deliveryId: id },
          opts: { jobId: id },
        })),
      );
    }
  }

  /**
   * Deletes deliveries (their attempts cascade) and published outbox rows older than the window,
   * in small batches so no statement holds locks for long. The audit log is kept.
   */
  async purgeExpired(now = new Date()): Promise<{ deliveries: number; events: number }> {
    const cutoff = new Date(now.getTime() - this.config.DELIVERY_RETENTION_DAYS * 86_400_000);
    let deliveries = 0;
    for (;;) {
      const res: [unknown[], number] = await this.db.query(
        `DELETE FROM deliveries WHERE id IN (
           SELECT id FROM deliveries WHERE created_at < $1 ORDER BY created_at LIMIT $2)`,
        [cutoff, BATCH],
      );
      deliveries += res[1];
      if (res[1] < BATCH) break;
    }
    let events = 0;
    for (;;) {
      const res: [unknown[], number] = await this.db.query(
        `DELETE FROM outbox_events WHERE id IN (
           SELECT id FROM outbox_events
            WHERE occurred_at < $1 AND published_at IS NOT NULL ORDER BY occurred_at LIMIT $2)`,
        [cutoff, BATCH],
      );
      events += res[1];
      if (res[1] < BATCH) break;
    }
    if (deliveries || events) {
      this.logger.log(`Retention purged ${deliveries} deliveries and ${events} events`);
    }
    return { deliveries, events };
  }

  /** Queues one replay attempt for each dead letter of a webhook in the window. */
  async replayDeadLetters(data: BulkReplayData): Promise<number> {
    let total = 0;
    for (;;) {
      const rows: { id: string }[] = await this.db.query(
        `UPDATE deliveries SET status = 'pending', replay_requested = true,
                next_attempt_at = now(), updated_at = date_trunc('milliseconds', now())
          WHERE id IN (
            SELECT id FROM deliveries
             WHERE webhook_id = $1 AND status = 'dead_letter' AND NOT is_test
               AND created_at >= $2 AND created_at <= $3
             ORDER BY created_at LIMIT $4 FOR UPDATE SKIP LOCKED)
          RETURNING id`,
        [data.webhookId, data.since, data.until, BATCH],
      );
      if (rows.length === 0) return total;
      await this.enqueue(rows.map((r) => r.id));
      total += rows.length;
    }
  }
}

/** Worker role: the periodic sweep and the maintenance queue's jobs. */
@Processor(QueueName.Maintenance, { concurrency: QUEUES[QueueName.Maintenance].concurrency })
export class DeliveryMaintenanceProcessor
  extends WorkerHost
  implements OnApplicationBootstrap, OnApplicationShutdown
{
  private readonly logger = new Logger('DeliveryMaintenance');
  private timer: NodeJS.Timeout | null = null;
  private sweeping = false;

  constructor(
    private readonly maintenance: DeliveryMaintenance,
    @InjectQueue(QueueName.Maintenance) private readonly queue: Queue,
  ) {
    super();
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.queue.upsertJobScheduler(
      'daily-retention',
      { pattern: '17 3 * * *' },
      { name: RETENTION_JOB },
    );
    this.timer = setInterval(() => void this.sweep(), SWEEP_INTERVAL_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  private async sweep(): Promise<void> {
    if (this.sweeping) return;
    this.sweeping = true;
    try {
      const n = await this.maintenance.sweepLost();
      if (n) this.logger.warn(`Re-enqueued ${n} deliveries that had lost their job`);
    } catch (err) {
      this.logger.error(`Sweep failed: ${String(err)}`);
    } finally {
      this.sweeping = false;
    }
  }

  async process(job: Job): Promise<unknown> {
    if (job.name === RETENTION_JOB) return this.maintenance.purgeExpired();
    if (job.name === BULK_REPLAY_JOB) {
      return this.maintenance.replayDeadLetters(job.data as BulkReplayData);
    }
    return undefined;
  }
}
