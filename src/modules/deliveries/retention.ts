import { InjectQueue, OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Job, Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../config/app-config';
import { OutboxRetention } from '../../events/outbox-retention';
import { QUEUES, QueueName } from '../../platform/queues';
import { BulkReplayData, ReplayService } from './replay.service';

const BATCH = 1000;
/** The daily retention schedule is written again this often (Redis may have lost it). */
const SCHEDULE_REFRESH_MS = 10 * 60_000;

/** Retention: delivery history and published events older than DELIVERY_RETENTION_DAYS go. */
@Injectable()
export class Retention {
  private readonly logger = new Logger('Retention');

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly config: AppConfig,
    private readonly outbox: OutboxRetention,
  ) {}

  /**
   * Deletes deliveries (their attempts cascade) and, through the events module, published outbox
   * rows older than the window, in small batches so no statement holds locks for long. The audit
   * log is kept.
   */
  async purgeExpired(now = new Date()): Promise<{ deliveries: number; events: number }> {
    const cutoff = new Date(now.getTime() - this.config.DELIVERY_RETENTION_DAYS * 86_400_000);
    const deliveries = await this.deleteInBatches(
      `DELETE FROM deliveries WHERE id IN (
         SELECT id FROM deliveries WHERE created_at < $1 ORDER BY created_at LIMIT $2)`,
      cutoff,
    );
    const events = await this.outbox.purgePublishedBefore(cutoff, BATCH);
    if (deliveries || events) {
      this.logger.log(`Retention purged ${deliveries} deliveries and ${events} events`);
    }
    return { deliveries, events };
  }

  private async deleteInBatches(sql: string, cutoff: Date): Promise<number> {
    let total = 0;
    for (;;) {
      const res: [unknown[], number] = await this.db.query(sql, [cutoff, BATCH]);
      total += res[1];
      if (res[1] < BATCH) return total;
    }
  }
}

/** Worker role: the maintenance queue's jobs (retention, bulk replays) and their schedule. */
@Processor(QueueName.Maintenance, { concurrency: QUEUES[QueueName.Maintenance].concurrency })
export class MaintenanceProcessor
  extends WorkerHost
  implements OnApplicationBootstrap, OnApplicationShutdown
{
  private readonly logger = new Logger('Maintenance');
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly retention: Retention,
    private readonly replays: ReplayService,
    @InjectQueue(QueueName.Maintenance) private readonly queue: Queue,
  ) {
    super();
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.schedule();
    this.timer = setInterval(() => {
      this.schedule().catch((err: unknown) =>
        this.logger.warn(`Retention schedule not written: ${String(err)}`),
      );
    }, SCHEDULE_REFRESH_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  private async schedule(): Promise<void> {
    await this.queue.upsertJobScheduler(
      'daily-retention',
      { pattern: '17 3 * * *' },
      { name: 'retention' },
    );
  }

  @OnWorkerEvent('error')
  onError(err: Error): void {
    this.logger.warn(`Maintenance worker: ${err.message}`);
  }

  async process(job: Job): Promise<unknown> {
    if (job.name === 'retention') return this.retention.purgeExpired();
    if (job.name === 'bulk-replay') return this.replays.replayBulk(job.data as BulkReplayData);
    return undefined;
  }
}
