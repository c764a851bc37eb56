import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger, OnModuleDestroy } from '@nestjs/common';
import { DelayedError, Job } from 'bullmq';
import { JobMap, QUEUES, QueueName } from '../../../platform/queues';
import { type DrainResult, LaneDrainer } from './lane-drainer';
import { LaneSignals } from './lane-signals';

type DrainJob = Job<JobMap[QueueName.Lanes]['drain']>;

/**
 * Runs lanes' drain jobs (worker roles). After a slice the same job goes back to the queue,
 * delayed until the lane's next due time (now, when work remains: behind the lanes that are
 * waiting, which is what makes lanes fair to each other). A signal that came while the job was
 * active found it there and added nothing, so once the job has left the active state the lane is
 * looked at once more.
 */
@Processor(QueueName.Lanes, {
  concurrency: QUEUES[QueueName.Lanes].concurrency,
  ...QUEUES[QueueName.Lanes].worker,
})
export class LaneProcessor extends WorkerHost implements OnModuleDestroy {
  private readonly logger = new Logger('Lanes');

  constructor(
    private readonly drainer: LaneDrainer,
    private readonly signals: LaneSignals,
  ) {
    super();
  }

  /**
   * On shutdown, before connections close: no new lane is taken and the running drains finish
   * their slice, so every attempt they claimed is sent and recorded (none is left to its claim's
   * expiry).
   */
  async onModuleDestroy(): Promise<void> {
    await this.worker.close();
  }

  async process(job: DrainJob, token?: string): Promise<DrainResult> {
    const { webhookId } = job.data;
    const result = await this.drainer.drain(webhookId);
    if (result.kind !== 'again' || !token) return result;
    await job.moveToDelayed(Math.max(Date.now(), result.at.getTime()), token);
    if (result.at.getTime() > Date.now() && (await this.drainer.hasWorkNow(webhookId, result))) {
      await this.signals.signal([webhookId]);
    }
    throw new DelayedError();
  }

  /**
   * Redis errors of the worker (a job whose keys Redis lost, a connection that dropped): the work
   * is in PostgreSQL and the sweeper gives the lane a job again, so they are worth a warning only.
   */
  @OnWorkerEvent('error')
  onError(err: Error): void {
    this.logger.warn(`Lane worker: ${err.message}`);
  }

  /** The job is gone: a signal it swallowed while finishing is honoured now. */
  @OnWorkerEvent('completed')
  async onCompleted(job: DrainJob, result: DrainResult): Promise<void> {
    try {
      if (await this.drainer.hasWorkNow(job.data.webhookId, result)) {
        await this.signals.signal([job.data.webhookId]);
      }
    } catch (err) {
      this.logger.warn(`Re-checking lane ${job.data.webhookId} failed: ${String(err)}`);
    }
  }
}
