import { InjectQueue, OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Job, Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { OutboxRetention } from '../../events/outbox-retention';
import { QUEUES, QueueName } from '../../platform/queues';
import { DeliveryPartitions, KeptDay } from './partitions';
import { BulkReplayData, ReplayService } from './replay.service';

const BATCH = 1000;
/** The schedules are written again this often (Redis may have lost them). */
const SCHEDULE_REFRESH_MS = 10 * 60_000;
/** Finished-delivery counts per hour (the 24-hour success rate) are kept this long. */
const OUTCOME_HOURS_KEPT = '48 hours';

/**
 * Retention: delivery history older than DELIVERY_RETENTION_DAYS goes by whole day partitions
 * (partitions.ts: a day with open deliveries stays until they finish), published events by rows,
 * the hourly counts of finished deliveries after two days. The audit log is kept.
 */
@Injectable()
export class Retention {
  private readonly logger = new Logger('Retention');

  constructor(
    private readonly partitions: DeliveryPartitions,
    private readonly outbox: OutboxRetention,
    @InjectDataSource() private readonly db: DataSource,
  ) {}

  async purgeExpired(
    now = new Date(),
  ): Promise<{ droppedDays: string[]; keptDays: KeptDay[]; events: number }> {
    await this.partitions.ensureAhead(now);
    const { dropped, kept } = await this.partitions.dropExpired(now);
    const events = await this.outbox.purgePublishedBefore(this.partitions.oldestKept(now), BATCH);
    await this.db.query(
      `DELETE FROM delivery_outcome_hours WHERE hour < $1::timestamptz - interval '${OUTCOME_HOURS_KEPT}'`,
      [now],
    );
    if (dropped.length || events) {
      this.logger.log(
        `Retention dropped the delivery history of ${dropped.length} day(s) and ${events} events`,
      );
    }
    return { droppedDays: dropped, keptDays: kept, events };
  }
}

/**
 * Worker role: the maintenance queue's jobs (retention, partitions ahead, bulk replays) and their
 * schedules.
 */
@Processor(QueueName.Maintenance, { concurrency: QUEUES[QueueName.Maintenance].concurrency })
export class MaintenanceProcessor
  extends WorkerHost
  implements OnApplicationBootstrap, OnApplicationShutdown
{
  private readonly logger = new Logger('Maintenance');
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly retention: Retention,
    private readonly partitions: DeliveryPartitions,
    private readonly replays: ReplayService,
    @InjectQueue(QueueName.Maintenance) private readonly queue: Queue,
  ) {
    super();
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.schedule();
    this.timer = setInterval(() => {
      this.schedule().catch((err: unknown) =>
        this.logger.warn(`Maintenance schedules not written: ${String(err)}`),
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
    await this.queue.upsertJobScheduler(
      'hourly-partitions',
      { pattern: '41 * * * *' },
      { name: 'partitions' },
    );
  }

  @OnWorkerEvent('error')
  onError(err: Error): void {
    this.logger.warn(`Maintenance worker: ${err.message}`);
  }

  async process(job: Job): Promise<unknown> {
    if (job.name === 'retention') return this.retention.purgeExpired();
    if (job.name === 'partitions') return this.partitions.ensureAhead();
    if (job.name === 'bulk-replay') return this.replays.replayBulk(job.data as BulkReplayData);
    return undefined;
  }
}
