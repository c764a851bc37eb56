import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { EntityManager, Repository } from 'typeorm';
import { Actor, SYSTEM_ACTOR } from '../../common/actor';
import { Conflict, NotFound } from '../../common/errors';
import { findOr404 } from '../../common/find-or-404';
import { AppConfig } from '../../config/app-config';
import { AuditService } from '../audit/audit.service';
import { randomAlphanumeric } from '../../common/random';
import { CreateWebhookDto, UpdateWebhookDto } from './dto/webhook.dto';
import { Webhook, WebhookOrdering, WebhookStatus, presentWebhook } from './entities/webhook.entity';
import { SecretBox } from './secret-box';

/** What the sender needs of a webhook at send time, secret in clear (never logged or returned). */
export interface WebhookTarget {
  id: string;
  displayName: string;
  url: string;
  status: WebhookStatus;
  secret: string;
}

/** What a lane needs of its webhook for one drain: where, how, and how much at once. */
export interface LaneTarget extends WebhookTarget {
  maxInFlight: number;
  rateLimitPerSecond: number | null;
  ordering: WebhookOrdering;
}

/** The subscription view used by fan-out. */
export interface Subscription {
  id: string;
  displayName: string;
  url: string;
  events: ReadonlySet<string>;
}

/**
 * What happens elsewhere when a webhook changes: a port this module owns and calls, implemented
 * by the deliveries module and bound through Nest DI (WEBHOOK_LIFECYCLE), so this module imports
 * nothing of deliveries.
 */
export interface WebhookLifecycle {
  /** In the deleting transaction, before the row goes: commits or rolls back with the delete. */
  deleting(tx: EntityManager, webhookId: string): Promise<void>;
  /** After a resume committed. */
  resumed(webhookId: string): Promise<void>;
  /** After a delete committed. */
  deleted(webhookId: string): Promise<void>;
}
export const WEBHOOK_LIFECYCLE = Symbol('WebhookLifecycle');

/** A lane's live state, as the console shows it with its webhook. */
export interface LaneState {
  in_flight: number;
  due: number;
  oldest_due_at: string | null;
  throttled_until: string | null;
}

/** Delivery figures shown with a webhook in the console (provided by the deliveries module). */
export interface WebhookStats {
  last_delivery_at: string | null;
  last_delivery_status: string | null;
  success_rate_24h: number | null;
  lane: LaneState;
}

/**
 * The figures shown with webhooks in the console: a port this module owns, implemented by the
 * deliveries module (WEBHOOK_STATS). Every id asked for has an entry.
 */
export interface WebhookStatsSource {
  webhookStats(ids: string[]): Promise<Map<string, WebhookStats>>;
}
export const WEBHOOK_STATS = Symbol('WebhookStatsSource');

export const SECRET_LENGTH = 32;

@Injectable()
export class WebhooksService {
  private readonly logger = new Logger('Webhooks');
  private readonly box: SecretBox;

  constructor(
    @InjectRepository(Webhook) private readonly webhookRepo: Repository<Webhook>,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
    @Inject(WEBHOOK_LIFECYCLE) private readonly lifecycle: WebhookLifecycle,
  ) {
    this.box = new SecretBox(config.secretsKey);
  }

  list(): Promise<Webhook[]> {
    return this.webhookRepo.find({ order: { createdAt: 'DESC' } });
  }

  get(id: string): Promise<Webhook> {
    return findOr404(this.webhookRepo, { id });
  }

  async create(actor: Actor, dto: CreateWebhookDto): Promise<{ webhook: Webhook; secret: string }> {
    const secret = randomAlphanumeric(SECRET_LENGTH);
    const id = randomUUID();
    return this.webhookRepo.manager.transaction(async (tx) => {
      const webhook = await tx.getRepository(Webhook).save(
        tx.create(Webhook, {
          id,
          displayName: dto.display_name,
          url: dto.url,
          events: dto.events,
          status: 'active',
          secretEncrypted: this.box.seal(secret, id),
          consecutiveFailures: 0,
          maxInFlight: dto.max_in_flight ?? this.config.WEBHOOK_MAX_IN_FLIGHT,
          rateLimitPerSecond: dto.rate_limit_per_second ?? null,
          ordering: dto.ordering ?? 'none',
        }),
      );
      await this.audit.record(tx, actor, {
        action: 'webhook.created',
        targetType: 'webhook',
        targetId: webhook.id,
        after: presentWebhook(webhook),
      });
      return { webhook, secret };
    });
  }

  async update(actor: Actor, id: string, dto: UpdateWebhookDto): Promise<Webhook> {
    return this.change(actor, id, 'webhook.updated', (w) => {
      const before = JSON.stringify(presentWebhook(w));
      if (dto.display_name !== undefined) w.displayName = dto.display_name;
      if (dto.url !== undefined) w.url = dto.url;
      if (dto.events !== undefined) w.events = dto.events;
      if (dto.max_in_flight !== undefined) w.maxInFlight = dto.max_in_flight;
      if (dto.rate_limit_per_second !== undefined) w.rateLimitPerSecond = dto.rate_limit_per_second;
      if (dto.ordering !== undefined) w.ordering = dto.ordering;
      return JSON.stringify(presentWebhook(w)) !== before;
    });
  }

  async rotateSecret(actor: Actor, id: string): Promise<{ webhook: Webhook; secret: string }> {
    const secret = randomAlphanumeric(SECRET_LENGTH);
    const webhook = await this.change(actor, id, 'webhook.secret_rotated', (w) => {
      w.secretEncrypted = this.box.seal(secret, w.id);
      w.secretRotatedAt = new Date();
      return true;
    });
    return { webhook, secret };
  }

  pause(actor: Actor, id: string): Promise<Webhook> {
    return this.change(actor, id, 'webhook.paused', (w) => {
      if (w.status === 'paused') return false;
      if (w.status === 'suspended') {
        throw new Conflict('This webhook is suspended; resume it to re-enable it.');
      }
      w.status = 'paused';
      return true;
    });
  }

  async resume(actor: Actor, id: string): Promise<Webhook> {
    const webhook = await this.change(actor, id, 'webhook.resumed', (w) => {
      if (w.status === 'active') return false;
      w.status = 'active';
      w.suspendedAt = null;
      w.suspendedReason = null;
      w.consecutiveFailures = 0;
      return true;
    });
    await this.lifecycle.resumed(id);
    return webhook;
  }

  async remove(actor: Actor, id: string): Promise<void> {
    await this.webhookRepo.manager.transaction(async (tx) => {
      const w = await tx
        .getRepository(Webhook)
        .findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!w) throw new NotFound();
      await this.lifecycle.deleting(tx, id);
      await tx.getRepository(Webhook).delete({ id });
      await this.audit.record(tx, actor, {
        action: 'webhook.deleted',
        targetType: 'webhook',
        targetId: id,
        before: presentWebhook(w),
      });
    });
    await this.lifecycle.deleted(id);
  }

  /**
   * The webhooks that receive new events, with their subscriptions (fan-out reads this once per
   * relay batch): active ones, and paused ones, whose deliveries wait in their lane until resumed.
   * A suspended webhook receives none until an admin resumes it.
   */
  async subscriptions(tx: EntityManager): Promise<Subscription[]> {
    const rows: { id: string; display_name: string; url: string; events: string[] }[] =
      await tx.query(
        `SELECT id, display_name, url, events FROM webhooks WHERE status IN ('active', 'paused')`,
      );
    return rows.map((r) => ({
      id: r.id,
      displayName: r.display_name,
      url: r.url,
      events: new Set(r.events),
    }));
  }

  /** Which of these webhooks are active (their lanes may send). */
  activeIds(ids: string[]): Promise<Set<string>> {
    return this.idsWhere(ids, "status = 'active'");
  }

  /** Which of these webhooks deliver the events of a key strictly in order. */
  perKeyIds(ids: string[]): Promise<Set<string>> {
    return this.idsWhere(ids, "ordering = 'per_key'");
  }

  /** Which of these webhooks meet `condition` (one of a fixed few: never built from input). */
  private async idsWhere(
    ids: string[],
    condition: "status = 'active'" | "ordering = 'per_key'",
  ): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows: { id: string }[] = await this.webhookRepo.query(
      `SELECT id FROM webhooks WHERE id = ANY($1::uuid[]) AND ${condition}`,
      [ids],
    );
    return new Set(rows.map((r) => r.id));
  }

  /** The webhook's current URL and secret (a lane's target has them), or null once deleted. */
  target(id: string): Promise<WebhookTarget | null> {
    return this.laneTarget(id);
  }

  /** The webhook as its lane needs it for one drain (current settings and secret), or null. */
  async laneTarget(id: string): Promise<LaneTarget | null> {
    // Read on every drain slice of every lane: one plain statement, no entity mapping.
    const rows: {
      id: string;
      display_name: string;
      url: string;
      status: WebhookStatus;
      secret_encrypted: string;
      max_in_flight: number;
      rate_limit_per_second: number | null;
      ordering: WebhookOrdering;
    }[] = await this.webhookRepo.query(
      `SELECT id, display_name, url, status, secret_encrypted, max_in_flight,
              rate_limit_per_second, ordering
         FROM webhooks WHERE id = $1`,
      [id],
    );
    const w = rows[0];
    if (!w) return null;
    return {
      id: w.id,
      displayName: w.display_name,
      url: w.url,
      status: w.status,
      secret: this.box.open(w.secret_encrypted, w.id),
      maxInFlight: w.max_in_flight,
      rateLimitPerSecond: w.rate_limit_per_second,
      ordering: w.ordering,
    };
  }

  /**
   * Applies a batch's outcomes to each webhook's run of dead letters, in order: a success resets
   * the run, a dead letter extends it (and may suspend the webhook). Webhooks are locked in id
   * order, so that concurrent batches never deadlock on them.
   */
  async recordRuns(
    tx: EntityManager,
    runs: ReadonlyMap<string, readonly ('success' | 'dead')[]>,
  ): Promise<void> {
    for (const id of [...runs.keys()].sort()) {
      let previous: 'success' | 'dead' | null = null;
      for (const step of runs.get(id) ?? []) {
        // A success right after a success changes nothing.
        if (step === 'success' && previous !== 'success') await this.recordSuccess(tx, id);
        if (step === 'dead') await this.recordDeadLetter(tx, id, this.config.WEBHOOK_SUSPEND_AFTER);
        previous = step;
      }
    }
  }

  /** A success resets the run of dead-lettered events. */
  async recordSuccess(tx: EntityManager, id: string): Promise<void> {
    await tx.query(
      `UPDATE webhooks SET consecutive_failures = 0 WHERE id = $1 AND consecutive_failures <> 0`,
      [id],
    );
  }

  /**
   * One more dead-lettered event in a row; suspends the webhook when the run reaches `limit`.
   * Returns true when this call suspended it.
   */
  async recordDeadLetter(tx: EntityManager, id: string, limit: number): Promise<boolean> {
    const rows: [{ id: string; consecutive_failures: number; status: WebhookStatus }[], number] =
      await tx.query(
        `UPDATE webhooks SET consecutive_failures = consecutive_failures + 1
          WHERE id = $1 RETURNING id, consecutive_failures, status`,
        [id],
      );
    const row = rows[0]?.[0];
    if (!row || row.status !== 'active' || row.consecutive_failures < limit) return false;
    const before = await tx.getRepository(Webhook).findOneByOrFail({ id });
    const reason = `${row.consecutive_failures} consecutive events were dead-lettered with no success in between`;
    await tx
      .getRepository(Webhook)
      .update({ id }, { status: 'suspended', suspendedAt: new Date(), suspendedReason: reason });
    const after = await tx.getRepository(Webhook).findOneByOrFail({ id });
    await this.audit.record(tx, SYSTEM_ACTOR, {
      action: 'webhook.suspended',
      targetType: 'webhook',
      targetId: id,
      before: presentWebhook(before),
      after: presentWebhook(after),
    });
    this.logger.warn(`Suspended webhook ${id}: ${reason}`);
    return true;
  }

  private async change(
    actor: Actor,
    id: string,
    action: string,
    mutate: (w: Webhook) => boolean,
  ): Promise<Webhook> {
    return this.webhookRepo.manager.transaction(async (tx) => {
      const repo = tx.getRepository(Webhook);
      const w = await repo.findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!w) throw new NotFound();
      const before = presentWebhook(w);
      if (!mutate(w)) return w;
      const saved = await repo.save(w);
      await this.audit.record(tx, actor, {
        action,
        targetType: 'webhook',
        targetId: id,
        before,
        after: presentWebhook(saved),
      });
      return saved;
    });
  }
}
