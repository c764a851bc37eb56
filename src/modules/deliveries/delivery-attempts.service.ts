import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { SYSTEM_ACTOR } from '../../common/actor';
import { AppConfig } from '../../config/app-config';
import { AuditService } from '../audit/audit.service';
import { WebhooksService } from '../webhooks/webhooks.service';
import { DeliveryMetrics } from './delivery-metrics';
import { AttemptTrigger } from './entities/delivery-attempt.entity';
import { nextAttemptDelayMs } from './sending/retry-policy';
import { signatureHeaders } from './sending/signing';
import { AttemptResult, WebhookSender } from './sending/webhook-sender';

export const USER_AGENT_VERSION = '1.0';
/** A paused or suspended webhook's due deliveries wait this long before looking again. */
export const HOLD_MS = 60_000;

export type AttemptOutcome =
  | { kind: 'skipped' }
  | { kind: 'held'; at: Date }
  | { kind: 'retry'; at: Date }
  | { kind: 'finished'; status: 'succeeded' | 'dead_letter' | 'cancelled' };

interface Claimed {
  attempt_count: number;
  replay_requested: boolean;
  event: string;
  body: string;
  is_test: boolean;
}

/**
 * Makes one attempt of one delivery: claim it (a conditional update, so only one worker sends a
 * given attempt), sign with the webhook's current secret, POST, record the attempt and the
 * delivery's next state in one transaction.
 */
@Injectable()
export class DeliveryAttemptsService implements OnModuleDestroy {
  private readonly logger = new Logger('Deliveries');
  readonly sender: WebhookSender;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly webhooks: WebhooksService,
    private readonly audit: AuditService,
    private readonly metrics: DeliveryMetrics,
    private readonly config: AppConfig,
  ) {
    this.sender = new WebhookSender({
      timeoutMs: config.WEBHOOK_TIMEOUT_MS,
      allowPrivateNetworks: config.WEBHOOK_ALLOW_PRIVATE_NETWORKS,
      caFile: config.WEBHOOK_CA_FILE,
    });
  }

  async onModuleDestroy(): Promise<void> {
    await this.sender.close();
  }

  async attempt(deliveryId: string, opts: { test?: boolean } = {}): Promise<AttemptOutcome> {
    const found: { webhook_id: string | null; status: string }[] = await this.db.query(
      `SELECT webhook_id, status FROM deliveries WHERE id = $1`,
      [deliveryId],
    );
    const row = found[0];
    if (!row || (row.status !== 'pending' && row.status !== 'retrying')) return { kind: 'skipped' };
    const target = row.webhook_id ? await this.webhooks.target(row.webhook_id) : null;
    if (!target) return this.cancel(deliveryId);
    if (!opts.test && target.status !== 'active') {
      const at = new Date(Date.now() + HOLD_MS);
      await this.db.query(
        `UPDATE deliveries SET next_attempt_at = $2, updated_at = date_trunc('milliseconds', now())
          WHERE id = $1 AND status IN ('pending', 'retrying')`,
        [deliveryId, at],
      );
      return { kind: 'held', at };
    }

    const claimSeconds = this.config.WEBHOOK_TIMEOUT_MS / 1000 + 30;
    const claimed: [Claimed[], number] = await this.db.query(
      `UPDATE deliveries
          SET attempt_count = attempt_count + 1,
              claimed_until = now() + make_interval(secs => $2),
              updated_at = date_trunc('milliseconds', now())
        WHERE id = $1 AND status IN ('pending', 'retrying')
          AND (claimed_until IS NULL OR claimed_until < now())
          AND (next_attempt_at IS NULL OR next_attempt_at <= now() + interval '2 seconds')
        RETURNING attempt_count, replay_requested, event, body, is_test`,
      [deliveryId, claimSeconds],
    );
    const d = claimed[0][0];
    if (!d) return { kind: 'skipped' };

    const trigger: AttemptTrigger = d.is_test ? 'test' : d.replay_requested ? 'replay' : 'auto';
    const body = Buffer.from(d.body, 'utf8');
    const headers = signatureHeaders({
      secret: target.secret,
      deliveryId,
      event: d.event,
      timestamp: Math.floor(Date.now() / 1000),
      body,
      isTest: d.is_test,
      userAgentVersion: USER_AGENT_VERSION,
    });
    const startedAt = new Date();
    const result = await this.sender.send({ url: target.url, headers, body });
    return this.record(deliveryId, target.id, target.url, d, trigger, startedAt, headers, result);
  }

  private async record(
    deliveryId: string,
    webhookId: string,
    url: string,
    d: Claimed,
    trigger: AttemptTrigger,
    startedAt: Date,
    headers: Record<string, string>,
    result: AttemptResult,
  ): Promise<AttemptOutcome> {
    const number = d.attempt_count;
    const delay =
      result.ok || trigger !== 'auto'
        ? null
        : nextAttemptDelayMs(number, this.config.retrySchedule, result.retryAfterMs);
    const lastError = result.error ? `${result.error.code}: ${result.error.message}` : null;
    const outcome: AttemptOutcome = await this.db.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO delivery_attempts (delivery_id, number, trigger, started_at, duration_ms,
           request_headers, response_status, response_headers, response_body,
           response_body_truncated, error_code, error_message)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
        [
          deliveryId,
          number,
          trigger,
          startedAt,
          Math.round(result.durationMs),
          JSON.stringify(headers),
          result.status,
          JSON.stringify(result.responseHeaders),
          result.responseBody,
          result.responseBodyTruncated,
          result.error?.code ?? null,
          result.error?.message ?? null,
        ],
      );
      const status = result.ok ? 'succeeded' : delay !== null ? 'retrying' : 'dead_letter';
      const nextAt = delay !== null ? new Date(Date.now() + delay) : null;
      const updated: [unknown[], number] = await tx.query(
        `UPDATE deliveries
            SET status = $2, next_attempt_at = $3, claimed_until = NULL, replay_requested = false,
                last_response_status = $4, last_error = $5, url = $6,
                updated_at = date_trunc('milliseconds', now())
          WHERE id = $1 AND status IN ('pending', 'retrying')
          RETURNING id`,
        [deliveryId, status, nextAt, result.status, lastError, url],
      );
      // Cancelled while we were sending (the webhook was deleted): the attempt is recorded, and
      // nothing more happens.
      if (updated[0].length === 0) return { kind: 'finished', status: 'cancelled' } as const;
      if (d.is_test)
        return { kind: 'finished', status: result.ok ? 'succeeded' : 'dead_letter' } as const;
      if (result.ok) {
        await this.webhooks.recordSuccess(tx, webhookId);
        return { kind: 'finished', status: 'succeeded' } as const;
      }
      if (nextAt) return { kind: 'retry', at: nextAt } as const;
      if (trigger === 'auto') {
        await this.audit.record(tx, SYSTEM_ACTOR, {
          action: 'delivery.dead_lettered',
          targetType: 'delivery',
          targetId: deliveryId,
          after: {
            webhook_id: webhookId,
            event: d.event,
            attempts: number,
            last_response_status: result.status,
            last_error: lastError,
          },
        });
        await this.webhooks.recordDeadLetter(tx, webhookId, this.config.WEBHOOK_SUSPEND_AFTER);
      }
      return { kind: 'finished', status: 'dead_letter' } as const;
    });
    const label = result.ok ? 'succeeded' : outcome.kind === 'retry' ? 'failed' : 'dead_letter';
    this.metrics.outcomes.inc({ event: d.event, outcome: label });
    this.metrics.attemptDuration.observe(
      { outcome: result.ok ? 'ok' : 'error' },
      result.durationMs / 1000,
    );
    if (!result.ok) {
      this.logger.debug(`Delivery ${deliveryId} attempt ${number} failed: ${lastError ?? ''}`);
    }
    return outcome;
  }

  private async cancel(deliveryId: string): Promise<AttemptOutcome> {
    await this.db.query(
      `UPDATE deliveries SET status = 'cancelled', next_attempt_at = NULL, claimed_until = NULL,
              updated_at = date_trunc('milliseconds', now())
        WHERE id = $1 AND status IN ('pending', 'retrying')`,
      [deliveryId],
    );
    return { kind: 'finished', status: 'cancelled' };
  }
}
