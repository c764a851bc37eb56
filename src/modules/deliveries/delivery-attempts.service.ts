import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { SYSTEM_ACTOR } from '../../common/actor';
import { AppConfig } from '../../config/app-config';
import { AuditService } from '../audit/audit.service';
import { WebhookTarget, WebhooksService } from '../webhooks/webhooks.service';
import { Batcher } from './batcher';
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

/** A delivery claimed by the batched claim, with what it needs of its (active) webhook. */
interface ClaimedWithTarget extends Claimed {
  id: string;
  webhook_id: string;
  url: string;
  /** Changes whenever the webhook's secret does: the key of the decrypted-secret cache. */
  secret_version: string;
}

/** One attempt to record, with the delivery's next state. */
interface AttemptRecord {
  deliveryId: string;
  webhookId: string;
  url: string;
  claimed: Claimed;
  trigger: AttemptTrigger;
  startedAt: Date;
  headers: Record<string, string>;
  result: AttemptResult;
  status: 'succeeded' | 'retrying' | 'dead_letter';
  nextAt: Date | null;
  lastError: string | null;
}

/** Deliveries claimed, or attempts recorded, by one statement or transaction at most. */
const BATCH = 64;
/** Batches of each kind running at once (a second one fills while the first is in flight). */
const BATCHES_IN_FLIGHT = 2;
/** Retries of a batch's transaction that lost a deadlock or serialization race. */
const TRANSIENT_RETRIES = 3;
const TRANSIENT_CODES = new Set(['40P01', '40001']);
/** Decrypted secrets kept at most (one per webhook; cleared when it grows past this). */
const SECRET_CACHE_MAX = 10_000;

/*
 * The statements below find deliveries by primary key only. Their conditions on status and
 * next_attempt_at are written so that the planner can neither match them to deliveries_due_idx
 * (a CASE hides the implication of the index's predicate, COALESCE the range) nor pick that index
 * instead of the key: it does so whenever the table's statistics lag behind a backlog (they say
 * "few pending" while there are 100,000), and then scans every pending delivery per statement.
 */
/** The delivery is pending or retrying. */
const OPEN = `(CASE WHEN d.status IN ('pending', 'retrying') THEN true ELSE false END)`;
/** The delivery is due (or within 2 s of it: a delayed job may be promoted a little early). */
const DUE = `COALESCE(d.next_attempt_at, '-infinity') <= now() + interval '2 seconds'`;
/** Nobody holds a claim on it. */
const UNCLAIMED = `(d.claimed_until IS NULL OR d.claimed_until < now())`;

/**
 * Makes attempts of deliveries: claim (a conditional update, so only one worker sends a given
 * attempt), sign with the webhook's current secret, POST, and record the attempt and the
 * delivery's next state in one transaction.
 *
 * The hot path shares round trips between concurrent attempts: claims of deliveries whose webhook
 * is active go out as one UPDATE per batch, and attempts are recorded as one transaction per batch
 * (one commit for many). A delivery the batched claim does not take (paused, suspended or deleted
 * webhook, not due, already claimed) goes through the one-by-one path, which decides what to do.
 * Decrypted secrets are cached per webhook under a version the claim reads from the webhook row in
 * the same statement, so a rotation takes effect on the very next attempt.
 */
@Injectable()
export class DeliveryAttemptsService implements OnModuleDestroy {
  private readonly logger = new Logger('Deliveries');
  readonly sender: WebhookSender;
  private readonly claims: Batcher<string, ClaimedWithTarget | null>;
  private readonly records: Batcher<AttemptRecord, AttemptOutcome>;
  private readonly secrets = new Map<string, { version: string; target: WebhookTarget }>();

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
    const options = { maxBatch: BATCH, maxInFlight: BATCHES_IN_FLIGHT };
    this.claims = new Batcher((ids) => this.claimMany(ids), options);
    this.records = new Batcher((items) => this.recordMany(items), options);
  }

  async onModuleDestroy(): Promise<void> {
    await this.sender.close();
  }

  async attempt(deliveryId: string, opts: { test?: boolean } = {}): Promise<AttemptOutcome> {
    if (!opts.test) {
      const claimed = await this.claims.add(deliveryId).catch((err: unknown) => {
        this.logger.warn(`Batched claim failed, claiming one by one: ${String(err)}`);
        return null;
      });
      if (claimed) return this.attemptClaimed(claimed);
    }
    return this.attemptOne(deliveryId, opts);
  }

  /** The hot path: claimed by the batch, the webhook active; sign (cached secret), send, record. */
  private async attemptClaimed(c: ClaimedWithTarget): Promise<AttemptOutcome> {
    const target = await this.currentTarget(c.webhook_id, c.secret_version);
    if (!target) {
      // Deleted between the claim and now: nothing was sent, so the claim is undone.
      await this.db.query(
        `UPDATE deliveries d SET status = 'cancelled', next_attempt_at = NULL, claimed_until = NULL,
                attempt_count = attempt_count - 1, updated_at = date_trunc('milliseconds', now())
          WHERE d.id = $1 AND ${OPEN}`,
        [c.id],
      );
      return { kind: 'finished', status: 'cancelled' };
    }
    return this.send(c.id, c.webhook_id, c.url, target.secret, c);
  }

  /** The one-by-one path: tests, held and cancelled deliveries, and whatever the batch left. */
  private async attemptOne(deliveryId: string, opts: { test?: boolean }): Promise<AttemptOutcome> {
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
        `UPDATE deliveries d SET next_attempt_at = $2, updated_at = date_trunc('milliseconds', now())
          WHERE d.id = $1 AND ${OPEN}`,
        [deliveryId, at],
      );
      return { kind: 'held', at };
    }

    const claimed: [Claimed[], number] = await this.db.query(
      `UPDATE deliveries d
          SET attempt_count = d.attempt_count + 1,
              claimed_until = now() + make_interval(secs => $2),
              updated_at = date_trunc('milliseconds', now())
        WHERE d.id = $1 AND ${OPEN} AND ${UNCLAIMED} AND ${DUE}
        RETURNING d.attempt_count, d.replay_requested, d.event, d.body, d.is_test`,
      [deliveryId, this.claimSeconds()],
    );
    const d = claimed[0][0];
    if (!d) return { kind: 'skipped' };
    return this.send(deliveryId, target.id, target.url, target.secret, d);
  }

  private claimSeconds(): number {
    return this.config.WEBHOOK_TIMEOUT_MS / 1000 + 30;
  }

  /**
   * One conditional UPDATE claims every delivery of the batch that is due, unclaimed and whose
   * webhook is active, returning what sending needs (the webhook's row is read, not locked). The
   * webhook is looked up per row rather than joined: a join lets the planner drive the update
   * from the webhooks and scan every pending delivery of each.
   */
  private async claimMany(ids: string[]): Promise<(ClaimedWithTarget | null)[]> {
    const rows: [ClaimedWithTarget[], number] = await this.db.query(
      `UPDATE deliveries d
          SET attempt_count = d.attempt_count + 1,
              claimed_until = now() + make_interval(secs => $2),
              updated_at = date_trunc('milliseconds', now())
         FROM unnest($1::uuid[]) AS c(id)
        WHERE d.id = c.id AND ${OPEN} AND ${UNCLAIMED} AND ${DUE}
          AND (SELECT w.status FROM webhooks w WHERE w.id = d.webhook_id) = 'active'
        RETURNING d.id, d.attempt_count, d.replay_requested, d.event, d.body, d.is_test,
                  d.webhook_id,
                  (SELECT w.url FROM webhooks w WHERE w.id = d.webhook_id) AS url,
                  (SELECT md5(w.secret_encrypted) FROM webhooks w WHERE w.id = d.webhook_id)
                    AS secret_version`,
      [ids, this.claimSeconds()],
    );
    const byId = new Map(rows[0].map((r) => [r.id, r]));
    // An id twice in one batch is claimed once: only its first caller gets the row.
    return ids.map((id) => {
      const row = byId.get(id) ?? null;
      byId.delete(id);
      return row;
    });
  }

  /** The webhook's current target, its decrypted secret cached under `version`. */
  private async currentTarget(webhookId: string, version: string): Promise<WebhookTarget | null> {
    const cached = this.secrets.get(webhookId);
    if (cached && cached.version === version) return cached.target;
    const target = await this.webhooks.target(webhookId);
    if (!target) {
      this.secrets.delete(webhookId);
      return null;
    }
    // What target() read is at least as new as `version` (it was read after the claim): a later
    // claim that still sees `version` may use it; one that sees a newer version reloads.
    if (this.secrets.size >= SECRET_CACHE_MAX) this.secrets.clear();
    this.secrets.set(webhookId, { version, target });
    return target;
  }

  private async send(
    deliveryId: string,
    webhookId: string,
    url: string,
    secret: string,
    d: Claimed,
  ): Promise<AttemptOutcome> {
    const trigger: AttemptTrigger = d.is_test ? 'test' : d.replay_requested ? 'replay' : 'auto';
    const body = Buffer.from(d.body, 'utf8');
    const headers = signatureHeaders({
      secret,
      deliveryId,
      event: d.event,
      timestamp: Math.floor(Date.now() / 1000),
      body,
      isTest: d.is_test,
      userAgentVersion: USER_AGENT_VERSION,
    });
    const startedAt = new Date();
    const result = await this.sender.send({ url, headers, body });
    const number = d.attempt_count;
    const delay =
      result.ok || trigger !== 'auto'
        ? null
        : nextAttemptDelayMs(number, this.config.retrySchedule, result.retryAfterMs);
    const item: AttemptRecord = {
      deliveryId,
      webhookId,
      url,
      claimed: d,
      trigger,
      startedAt,
      headers,
      result,
      status: result.ok ? 'succeeded' : delay !== null ? 'retrying' : 'dead_letter',
      nextAt: delay !== null ? new Date(Date.now() + delay) : null,
      lastError: result.error ? `${result.error.code}: ${result.error.message}` : null,
    };
    const outcome = await this.records.add(item).catch((err: unknown) => {
      // The batch's transaction failed: record this attempt on its own, so one bad item does not
      // take the others with it.
      this.logger.warn(`Batched record failed, recording one by one: ${String(err)}`);
      return this.recordMany([item]).then((o) => o[0]);
    });

    const label = result.ok ? 'succeeded' : outcome.kind === 'retry' ? 'failed' : 'dead_letter';
    this.metrics.outcomes.inc({ event: d.event, outcome: label });
    this.metrics.attemptDuration.observe(
      { outcome: result.ok ? 'ok' : 'error' },
      result.durationMs / 1000,
    );
    if (!result.ok) {
      this.logger.debug(`Delivery ${deliveryId} attempt ${number} failed: ${item.lastError ?? ''}`);
    }
    return outcome;
  }

  /** Records attempts in one transaction, retried when it loses a deadlock. */
  private async recordMany(items: AttemptRecord[]): Promise<AttemptOutcome[]> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.db.transaction((tx) => this.recordIn(tx, items));
      } catch (err) {
        const code = (err as { driverError?: { code?: string }; code?: string }).code;
        const driverCode = (err as { driverError?: { code?: string } }).driverError?.code;
        const transient = TRANSIENT_CODES.has(driverCode ?? code ?? '');
        if (!transient || attempt > TRANSIENT_RETRIES) throw err;
      }
    }
  }

  /**
   * Every attempt is inserted, every delivery moved to its next state (unless it was cancelled
   * meanwhile), then the webhooks' runs of dead letters are updated: dead letters are audited
   * first, then each webhook's successes and dead letters are applied in order, webhooks sorted
   * by id so that concurrent batches lock them in the same order. A success resets the run as
   * WebhooksService.recordSuccess does (only a run that is not 0), without a statement per
   * webhook when there is no run to reset.
   */
  private async recordIn(tx: EntityManager, items: AttemptRecord[]): Promise<AttemptOutcome[]> {
    // One statement: the attempts are inserted and the deliveries moved on together. It also
    // reads each webhook's run of dead letters, so that a success resets only a run that exists.
    const updated: [{ id: string; failures: number | null }[], number] = await tx.query(
      `WITH attempts AS (
         INSERT INTO delivery_attempts (delivery_id, number, trigger, started_at, duration_ms,
           request_headers, response_status, response_headers, response_body,
           response_body_truncated, error_code, error_message)
         SELECT * FROM unnest($1::uuid[], $2::int[], $3::text[], $4::timestamptz[], $5::int[],
           $6::jsonb[], $7::int[], $8::jsonb[], $9::text[], $10::bool[], $11::text[], $12::text[])
       )
       UPDATE deliveries d
          SET status = u.status, next_attempt_at = u.next_at, claimed_until = NULL,
              replay_requested = false, last_response_status = u.code, last_error = u.error,
              url = u.url, updated_at = date_trunc('milliseconds', now())
         FROM unnest($1::uuid[], $13::text[], $14::timestamptz[], $7::int[], $15::text[], $16::text[])
              AS u(id, status, next_at, code, error, url)
        WHERE d.id = u.id AND ${OPEN}
        RETURNING d.id,
                  (SELECT w.consecutive_failures FROM webhooks w WHERE w.id = d.webhook_id)
                    AS failures`,
      [
        items.map((i) => i.deliveryId),
        items.map((i) => i.claimed.attempt_count),
        items.map((i) => i.trigger),
        items.map((i) => i.startedAt),
        items.map((i) => Math.round(i.result.durationMs)),
        items.map((i) => JSON.stringify(i.headers)),
        items.map((i) => i.result.status),
        items.map((i) => JSON.stringify(i.result.responseHeaders)),
        items.map((i) => i.result.responseBody),
        items.map((i) => i.result.responseBodyTruncated),
        items.map((i) => i.result.error?.code ?? null),
        items.map((i) => i.result.error?.message ?? null),
        items.map((i) => i.status),
        items.map((i) => i.nextAt),
        items.map((i) => i.lastError),
        items.map((i) => i.url),
      ],
    );
    const moved = new Map(updated[0].map((r) => [r.id, r.failures ?? 0]));
    /** Webhooks whose run of dead letters is not 0 (as the statement above saw it). */
    const inRun = new Set<string>();
    for (const i of items) if ((moved.get(i.deliveryId) ?? 0) > 0) inRun.add(i.webhookId);

    const outcomes: AttemptOutcome[] = [];
    const runs = new Map<string, ('success' | 'dead')[]>();
    const deadLetters: AttemptRecord[] = [];
    for (const i of items) {
      if (!moved.has(i.deliveryId)) {
        // Cancelled while we were sending (the webhook was deleted): the attempt is recorded,
        // and nothing more happens.
        outcomes.push({ kind: 'finished', status: 'cancelled' });
        continue;
      }
      if (i.claimed.is_test) {
        outcomes.push({ kind: 'finished', status: i.result.ok ? 'succeeded' : 'dead_letter' });
        continue;
      }
      if (i.result.ok) {
        runs.set(i.webhookId, [...(runs.get(i.webhookId) ?? []), 'success']);
        outcomes.push({ kind: 'finished', status: 'succeeded' });
        continue;
      }
      if (i.nextAt) {
        outcomes.push({ kind: 'retry', at: i.nextAt });
        continue;
      }
      if (i.trigger === 'auto') {
        deadLetters.push(i);
        runs.set(i.webhookId, [...(runs.get(i.webhookId) ?? []), 'dead']);
      }
      outcomes.push({ kind: 'finished', status: 'dead_letter' });
    }

    for (const i of deadLetters) {
      await this.audit.record(tx, SYSTEM_ACTOR, {
        action: 'delivery.dead_lettered',
        targetType: 'delivery',
        targetId: i.deliveryId,
        after: {
          webhook_id: i.webhookId,
          event: i.claimed.event,
          attempts: i.claimed.attempt_count,
          last_response_status: i.result.status,
          last_error: i.lastError,
        },
      });
    }
    for (const webhookId of [...runs.keys()].sort()) {
      let running = inRun.has(webhookId);
      for (const step of runs.get(webhookId) ?? []) {
        if (step === 'success') {
          // A success resets a run of dead letters; with no run there is nothing to write.
          if (running) await this.webhooks.recordSuccess(tx, webhookId);
          running = false;
        } else {
          await this.webhooks.recordDeadLetter(tx, webhookId, this.config.WEBHOOK_SUSPEND_AFTER);
          running = true;
        }
      }
    }
    return outcomes;
  }

  private async cancel(deliveryId: string): Promise<AttemptOutcome> {
    await this.db.query(
      `UPDATE deliveries d SET status = 'cancelled', next_attempt_at = NULL, claimed_until = NULL,
              updated_at = date_trunc('milliseconds', now())
        WHERE d.id = $1 AND ${OPEN}`,
      [deliveryId],
    );
    return { kind: 'finished', status: 'cancelled' };
  }
}
