import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../../config/app-config';
import { WebhooksService } from '../../webhooks/webhooks.service';
import { DeliveryMetrics } from '../delivery-metrics';
import { AttemptRecorder } from './attempt-recorder';
import { AttemptSender } from './attempt-sender';
import { LaneClaims } from './lane-claims';
import { LaneRun, type LaneStages } from './lane-run';
import { LaneSignals } from './lane-signals';
import { LaneStates } from './lane-state';
import { LaneRateLimiter } from './rate-limiter';

/** A lane's time slice: after it, the lane goes to the back of the drain queue. */
export const SLICE_MS = 1_000;

/** What a drain of a lane leaves to do. */
export type DrainResult =
  /** Paused, suspended or deleted: nothing is sent until a resume signals the lane. */
  | { kind: 'stopped' }
  /** Nothing open: the lane sleeps until signalled. */
  | { kind: 'idle' }
  /** More to do, now or at `at` (a retry, a throttle, the rate limit). */
  | { kind: 'again'; at: Date; perKey: boolean };

/** Drains one lane for one time slice: claim → sign → send → record (see LaneRun). */
@Injectable()
export class LaneDrainer {
  private readonly stages: LaneStages;

  constructor(
    private readonly webhooks: WebhooksService,
    private readonly claims: LaneClaims,
    sender: AttemptSender,
    recorder: AttemptRecorder,
    states: LaneStates,
    limiter: LaneRateLimiter,
    metrics: DeliveryMetrics,
    config: AppConfig,
    signals: LaneSignals,
  ) {
    this.stages = {
      claims,
      sender,
      recorder,
      states,
      limiter,
      metrics,
      retrySchedule: config.retrySchedule,
      target: (id) => webhooks.laneTarget(id),
      listen: (id, onSignal) => signals.listen(id, onSignal),
    };
  }

  async drain(webhookId: string): Promise<DrainResult> {
    const target = await this.webhooks.laneTarget(webhookId);
    if (!target || target.status !== 'active') return { kind: 'stopped' };
    // A throttled lane's claims take nothing: the run ends at once and nextWake says until when.
    const perKey = target.ordering === 'per_key';
    const end = await new LaneRun(this.stages, target, Date.now() + SLICE_MS).run();
    const at = end.at ?? (await this.claims.nextWake(webhookId, perKey));
    return at ? { kind: 'again', at, perKey } : { kind: 'idle' };
  }

  /**
   * Whether the lane has something to send now (after a drain ended, to close the race with a
   * signal it swallowed). A lane that was idle only needs its deliveries looked at; one that was
   * stopped (paused) needs its webhook's state too; one that sleeps until later knows whether it
   * orders per key (so a successor held behind a retrying head is not work).
   */
  async hasWorkNow(webhookId: string, after: DrainResult): Promise<boolean> {
    let perKey = after.kind === 'again' && after.perKey;
    if (after.kind === 'stopped') {
      const target = await this.webhooks.laneTarget(webhookId);
      if (!target || target.status !== 'active') return false;
      perKey = target.ordering === 'per_key';
    }
    const at = await this.claims.nextWake(webhookId, perKey);
    return at !== null && at.getTime() <= Date.now();
  }
}
