import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../../config/app-config';
import { WebhooksService } from '../../webhooks/webhooks.service';
import { DeliveryMetrics } from '../delivery-metrics';
import { AttemptRecorder } from './attempt-recorder';
import { AttemptSender } from './attempt-sender';
import { LaneClaims } from './lane-claims';
import { LaneRun, type LaneStages } from './lane-run';
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
  | { kind: 'again'; at: Date };

/** Drains one lane for one time slice: claim → sign → send → record (see LaneRun). */
@Injectable()
export class LaneDrainer {
  private readonly stages: LaneStages;

  constructor(
    private readonly webhooks: WebhooksService,
    private readonly claims: LaneClaims,
    sender: AttemptSender,
    recorder: AttemptRecorder,
    private readonly states: LaneStates,
    limiter: LaneRateLimiter,
    metrics: DeliveryMetrics,
    config: AppConfig,
  ) {
    this.stages = {
      claims,
      sender,
      recorder,
      states,
      limiter,
      metrics,
      retrySchedule: config.retrySchedule,
    };
  }

  async drain(webhookId: string): Promise<DrainResult> {
    const target = await this.webhooks.laneTarget(webhookId);
    if (!target || target.status !== 'active') return { kind: 'stopped' };
    const throttled = await this.states.throttledUntil(webhookId);
    if (throttled) return { kind: 'again', at: throttled };
    const end = await new LaneRun(this.stages, target, Date.now() + SLICE_MS).run();
    const at = end.at ?? (await this.claims.nextWake(webhookId, target.ordering === 'per_key'));
    return at ? { kind: 'again', at } : { kind: 'idle' };
  }

  /** Whether the lane has something to send now (after a drain ended, to close the race). */
  async hasWorkNow(webhookId: string): Promise<boolean> {
    const target = await this.webhooks.laneTarget(webhookId);
    if (!target || target.status !== 'active') return false;
    if (await this.states.throttledUntil(webhookId)) return false;
    const at = await this.claims.nextWake(webhookId, target.ordering === 'per_key');
    return at !== null && at.getTime() <= Date.now();
  }
}
