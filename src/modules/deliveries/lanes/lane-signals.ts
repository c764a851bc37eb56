import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { JobMap, QueueName } from '../../../platform/queues';

type LaneQueue = Queue<JobMap[QueueName.Lanes]['drain']>;

export const DRAIN_JOB = 'drain';

/** The drain job of a lane: one per webhook. */
export function laneJobId(webhookId: string): string {
  return `lane-${webhookId}`;
}

/**
 * Wakes lanes. A lane has at most one drain job (its id derives from the webhook's), so a signal
 * to a lane that is already waiting or draining adds nothing; one that sleeps until a later
 * retry is brought forward. A drain that is finishing when a signal comes looks again once it has
 * left the queue's active state (LaneProcessor), so no signal is lost to that race.
 */
@Injectable()
export class LaneSignals {
  private readonly logger = new Logger('Lanes');
  /** Lanes draining in this process right now, told of their signals directly. */
  private readonly local = new Map<string, () => void>();

  constructor(@InjectQueue(QueueName.Lanes) private readonly queue: LaneQueue) {}

  /**
   * Every lane named is drained as soon as a worker slot is free. A lane that is draining in
   * this process is told at once (its job is active: a signal through the queue would add
   * nothing), so it claims the new work in the same run.
   */
  async signal(webhookIds: Iterable<string>): Promise<void> {
    const woken: Promise<void>[] = [];
    for (const id of new Set(webhookIds)) {
      const running = this.local.get(id);
      if (running) running();
      else woken.push(this.wake(id, 0));
    }
    await Promise.all(woken);
  }

  /** While a run drains the lane here, signals of it go to `onSignal`; returns the unsubscribe. */
  listen(webhookId: string, onSignal: () => void): () => void {
    this.local.set(webhookId, onSignal);
    return () => {
      if (this.local.get(webhookId) === onSignal) this.local.delete(webhookId);
    };
  }

  /** The lane is drained at `at` at the latest. */
  async signalAt(webhookId: string, at: Date): Promise<void> {
    await this.wake(webhookId, Math.max(0, at.getTime() - Date.now()));
  }

  /**
   * Adds the lane's job when it has none (removing first what is left of one that is in no list,
   * after Redis lost keys, when `repair` is set), or brings a sleeping one forward to now.
   */
  async wake(webhookId: string, delayMs: number, repair = false): Promise<void> {
    const id = laneJobId(webhookId);
    const state = await this.queue.getJobState(id);
    if (state === 'unknown' || state === 'completed' || state === 'failed') {
      if (repair || state !== 'unknown') await this.queue.remove(id).catch(() => 0);
      await this.queue.add(DRAIN_JOB, { webhookId }, { jobId: id, delay: delayMs });
      return;
    }
    if (state !== 'delayed' || delayMs > 0) return;
    const job = await this.queue.getJob(id);
    await job?.promote().catch((err: unknown) => this.raced(id, err));
  }

  /** A deleted webhook's lane job goes (one that is running ends by itself: its webhook is gone). */
  async forget(webhookId: string): Promise<void> {
    await this.queue.remove(laneJobId(webhookId)).catch(() => 0);
  }

  /** The job left the delayed state meanwhile: it is running or about to, which is what we want. */
  private raced(id: string, err: unknown): void {
    this.logger.debug(`Lane ${id} changed state while being woken: ${String(err)}`);
  }
}
