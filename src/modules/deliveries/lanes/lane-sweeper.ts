import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { WebhooksService } from '../../webhooks/webhooks.service';
import { LaneSignals } from './lane-signals';

/** How often every worker looks for lanes whose drain job is missing. */
export const SWEEP_INTERVAL_MS = 2_000;
/** A sweep that takes longer (Redis or the database hanging) is abandoned, so the next one runs. */
const SWEEP_DEADLINE_MS = 10_000;

/**
 * The safety net under lane signals: every lane with open deliveries gets a drain job again when
 * it has none (a crash between a commit and its signal, Redis restarted empty or lost keys).
 * The signals live in Redis, the work in PostgreSQL: this puts the first back from the second
 * within seconds, whatever Redis lost.
 */
@Injectable()
export class LaneSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Lanes');
  private timer: NodeJS.Timeout | null = null;
  private sweeping = false;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly signals: LaneSignals,
    private readonly webhooks: WebhooksService,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.tick(), SWEEP_INTERVAL_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  private async tick(): Promise<void> {
    if (this.sweeping) return;
    this.sweeping = true;
    let timeout: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => {
      timeout = setTimeout(resolve, SWEEP_DEADLINE_MS);
    });
    try {
      await Promise.race([this.sweep(), deadline]);
    } catch (err) {
      this.logger.error(`Lane sweep failed: ${String(err)}`);
    } finally {
      clearTimeout(timeout);
      this.sweeping = false;
    }
  }

  /**
   * Gives every active lane with open deliveries a drain job (due at its earliest open delivery);
   * a paused lane keeps its backlog until a resume signals it.
   */
  async sweep(): Promise<number> {
    const open = await this.openLanes();
    const active = await this.webhooks.activeIds(open.map((l) => l.webhookId));
    const lanes = open.filter((l) => active.has(l.webhookId));
    await Promise.all(
      lanes.map((l) =>
        this.signals.wake(l.webhookId, Math.max(0, l.nextAt.getTime() - Date.now()), true),
      ),
    );
    return lanes.length;
  }

  /**
   * Each webhook with open deliveries and the earliest next_attempt_at among them: a skip scan of
   * deliveries_lane_due_idx (one index probe per lane, however long its backlog).
   */
  private async openLanes(): Promise<{ webhookId: string; nextAt: Date }[]> {
    return this.db.query(
      `WITH RECURSIVE lanes(id) AS (
         (SELECT webhook_id FROM deliveries
           WHERE status IN ('pending', 'retrying') AND webhook_id IS NOT NULL
           ORDER BY webhook_id LIMIT 1)
         UNION ALL
         SELECT (SELECT d.webhook_id FROM deliveries d
                  WHERE d.status IN ('pending', 'retrying') AND d.webhook_id > l.id
                  ORDER BY d.webhook_id LIMIT 1)
           FROM lanes l WHERE l.id IS NOT NULL)
       SELECT l.id AS "webhookId",
              (SELECT min(d.next_attempt_at) FROM deliveries d
                WHERE d.webhook_id = l.id AND d.status IN ('pending', 'retrying')) AS "nextAt"
         FROM lanes l WHERE l.id IS NOT NULL`,
    );
  }
}
