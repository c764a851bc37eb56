import { Logger } from '@nestjs/common';
import { setTimeout as delay } from 'node:timers/promises';
import type { LaneTarget } from '../../webhooks/webhooks.service';
import type { DeliveryMetrics } from '../delivery-metrics';
import { decideOutcome } from './attempt-outcome';
import type { AttemptRecorder } from './attempt-recorder';
import type { AttemptSender } from './attempt-sender';
import type { ClaimedDelivery } from './claimed-delivery';
import type { LaneClaims } from './lane-claims';
import type { LaneStates } from './lane-state';
import { LaneRateLimiter } from './rate-limiter';

/** The stages a lane runs through: claim → sign and send → record. */
export interface LaneStages {
  claims: LaneClaims;
  sender: AttemptSender;
  recorder: AttemptRecorder;
  states: LaneStates;
  limiter: LaneRateLimiter;
  metrics: DeliveryMetrics;
  retrySchedule: readonly number[];
  /** The webhook as it is now (null: gone). */
  target: (webhookId: string) => Promise<LaneTarget | null>;
  /** Signals of this lane made in this process while the run is on (see LaneSignals.local). */
  listen: (webhookId: string, onSignal: () => void) => () => void;
}

/** Deliveries claimed by one statement at most. */
export const MAX_CLAIM = 64;
/** After a claim found nothing more, the next one waits this long (or for a key's head). */
const RECLAIM_MS = 20;
/**
 * A lane signalled while it drains (events keep coming) stays a little when it runs dry, for the
 * next signal, instead of going through the queue again for every event.
 */
const LINGER_MS = 50;

/** Why a run stopped claiming: when the lane should run again, if that is known now. */
export type RunEnd = { at: Date | null };

/**
 * One time slice of one lane: keeps up to `max_in_flight` attempts open, starting claimed
 * deliveries as attempts finish and claiming the next window ahead (one statement for many), until
 * the lane has nothing due, the slice is over, a Retry-After throttles it, or its rate limit asks
 * to wait past the slice. Then it waits for what is in flight.
 */
export class LaneRun {
  private readonly logger = new Logger('Lanes');
  private readonly inFlight = new Set<Promise<void>>();
  /** Claimed, not started yet (started as slots free up, all before the run ends). */
  private readonly claimed: ClaimedDelivery[] = [];
  private perKey: boolean;
  /** Claims made by this run (the first uses the target the drain has just read). */
  private claims = 0;
  /** The last claim took less than it asked for: nothing more was due then. */
  private exhausted = false;
  private lastClaimAt = 0;
  /** Set once the run must claim no more: when the lane runs next (null: ask the database). */
  private end: RunEnd | null = null;
  private throttledUntil: Date | null = null;
  /** New work was signalled during the run; `signalled` resolves the current linger. */
  private signalled = false;
  private hot = false;
  private wake: () => void = () => undefined;

  constructor(
    private readonly stages: LaneStages,
    private target: LaneTarget,
    private readonly deadline: number,
  ) {
    this.perKey = target.ordering === 'per_key';
  }

  async run(): Promise<RunEnd> {
    const stop = this.stages.listen(this.target.id, () => this.onSignal());
    try {
      await this.loop();
    } finally {
      stop();
    }
    return this.end ?? { at: null };
  }

  private async loop(): Promise<void> {
    for (;;) {
      if (!this.end) await this.fill();
      if (this.throttledUntil) await this.releaseClaimed(this.throttledUntil);
      else this.startClaimed();
      if (this.inFlight.size === 0) {
        if (this.end || (this.exhausted && !(await this.linger()))) return;
        continue;
      }
      // An attempt finishing frees a slot; a signal brings new work to claim into a free one.
      await Promise.race([...this.inFlight, this.nextSignal()]);
      // Look for more (with ordering a finished head may also have released the next delivery
      // of its key), not more often than every RECLAIM_MS unless signalled.
      if (Date.now() - this.lastClaimAt >= RECLAIM_MS) this.exhausted = false;
    }
  }

  private onSignal(): void {
    this.signalled = true;
    this.hot = true;
    this.exhausted = false;
    this.wake();
  }

  /** Resolves at the next signal (only while a slot is free: a full window has nothing to claim). */
  private nextSignal(): Promise<void> {
    if (this.inFlight.size >= this.target.maxInFlight) return new Promise<void>(() => undefined);
    return new Promise<void>((resolve) => {
      this.wake = () => {
        this.wake = () => undefined;
        resolve();
      };
    });
  }

  /**
   * Dry: a lane that was signalled during the run waits up to LINGER_MS (within its slice) for
   * the next signal. True when one came, so the run claims again.
   */
  private async linger(): Promise<boolean> {
    const left = Math.min(LINGER_MS, this.deadline - Date.now());
    if (!this.signalled && (!this.hot || left <= 0)) return false;
    if (!this.signalled) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = () => undefined;
    }
    const again = this.signalled;
    this.signalled = false;
    if (again) this.exhausted = false;
    return again;
  }

  /** Claims the next window when the claimed ones run out, or decides to claim no more. */
  private async fill(): Promise<void> {
    if (this.throttledUntil) {
      this.end = { at: this.throttledUntil };
      return;
    }
    if (Date.now() >= this.deadline) {
      this.end = { at: this.exhausted && this.claimed.length === 0 ? null : new Date() };
      return;
    }
    const window = this.target.maxInFlight;
    const free = window - this.inFlight.size;
    if (this.exhausted || this.claimed.length >= free) return;
    if (this.claims > 0 && !(await this.refreshTarget())) {
      this.end = { at: null };
      return;
    }
    // The free slots and the next window (with ordering, heads of other keys: a claimed head
    // stays open until it is sent and recorded, so nothing behind it is claimable meanwhile).
    const ahead = window;
    const want = await this.tokens(Math.min(free + ahead - this.claimed.length, MAX_CLAIM));
    if (want === 0) return;
    this.lastClaimAt = Date.now();
    this.claims += 1;
    const batch = await this.stages.claims.claim(this.target.id, want, this.perKey);
    if (batch.length < want) this.exhausted = true;
    this.claimed.push(...batch);
  }

  /**
   * Reads the webhook again before a later claim, so a change of its URL, secret, limits or
   * ordering reaches the next attempt even while the lane is draining. False once the webhook is
   * paused, suspended or deleted: the run claims no more.
   */
  private async refreshTarget(): Promise<boolean> {
    const current = await this.stages.target(this.target.id);
    if (!current || current.status !== 'active') return false;
    this.target = current;
    this.perKey = current.ordering === 'per_key';
    return true;
  }

  /** Claimed deliveries that will not be sent in this run go back to the lane, uncounted. */
  private async releaseClaimed(at: Date): Promise<void> {
    if (this.claimed.length === 0) return;
    const ids = this.claimed.splice(0).map((d) => d.id);
    await this.stages.claims.release(ids, at);
  }

  private startClaimed(): void {
    while (this.claimed.length > 0 && this.inFlight.size < this.target.maxInFlight) {
      this.start(this.claimed.shift() as ClaimedDelivery);
    }
  }

  /** How many the rate limit lets start now (waiting for a token within the slice). */
  private async tokens(want: number): Promise<number> {
    const rate = this.target.rateLimitPerSecond;
    if (rate === null) return want;
    const grant = await this.stages.limiter.take(this.target.id, rate, want);
    if (grant.granted > 0) return grant.granted;
    if (Date.now() + grant.waitMs >= this.deadline) {
      this.end = { at: new Date(Date.now() + grant.waitMs) };
    } else if (this.inFlight.size === 0) {
      await delay(grant.waitMs);
    }
    return 0;
  }

  private start(d: ClaimedDelivery): void {
    const p: Promise<void> = this.attempt(d, this.target).finally(() => this.inFlight.delete(p));
    this.inFlight.add(p);
  }

  /** Sign, send, record one claimed delivery. Never rejects. */
  private async attempt(d: ClaimedDelivery, target: LaneTarget): Promise<void> {
    try {
      const sent = await this.stages.sender.send(target, d);
      const outcome = decideOutcome(d, sent.result, this.stages.retrySchedule);
      if (outcome.throttleUntil) await this.throttle(outcome.throttleUntil);
      const { moved } = await this.stages.recorder.record({
        delivery: d,
        url: target.url,
        ...sent,
        outcome,
      });
      const label = !moved
        ? 'cancelled'
        : outcome.status === 'retrying'
          ? 'failed'
          : outcome.status;
      this.stages.metrics.outcomes.inc({ event: d.event, outcome: label });
    } catch (err) {
      this.logger.error(`Attempt of delivery ${d.id} failed: ${String(err)}`);
    }
  }

  private async throttle(until: Date): Promise<void> {
    if (!this.throttledUntil || until > this.throttledUntil) this.throttledUntil = until;
    await this.stages.states.throttle(this.target.id, until);
  }
}
