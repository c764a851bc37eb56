import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { SYSTEM_ACTOR } from '../../../common/actor';
import { AuditService } from '../../audit/audit.service';
import { WebhooksService } from '../../webhooks/webhooks.service';
import { Batcher } from '../batcher';
import type { AttemptResult } from '../sending/webhook-sender';
import type { AttemptOutcome } from './attempt-outcome';
import { type ClaimedDelivery, triggerOf } from './claimed-delivery';
import { storableHeaders } from './storable-headers';

/** One attempt to record, with the delivery's next state. */
export interface AttemptRecord {
  delivery: ClaimedDelivery;
  url: string;
  startedAt: Date;
  requestHeaders: Record<string, string>;
  result: AttemptResult;
  outcome: AttemptOutcome;
}

/** Whether the delivery moved on (false: it was cancelled while the attempt was in flight). */
export type Recorded = { moved: boolean };

/** Attempts recorded by one transaction at most, and such transactions running at once. */
const BATCH = { maxBatch: 64, maxInFlight: 2 };
const TRANSIENT_RETRIES = 3;
const TRANSIENT_CODES = new Set(['40P01', '40001']);

/**
 * A CTE that counts the deliveries of `moved` (id, webhook_id, status, is_test) that finished into
 * their webhook's current hour of delivery_outcome_hours (the webhooks page's 24-hour success
 * rate), in webhook order so that concurrent batches lock the rows in one order.
 */
const TALLY_OUTCOMES = `tally AS (
  INSERT INTO delivery_outcome_hours AS h (webhook_id, hour, succeeded, dead_lettered)
  SELECT webhook_id, date_trunc('hour', now()),
         count(*) FILTER (WHERE status = 'succeeded'), count(*) FILTER (WHERE status = 'dead_letter')
    FROM moved
   WHERE status IN ('succeeded', 'dead_letter') AND NOT is_test AND webhook_id IS NOT NULL
   GROUP BY webhook_id ORDER BY webhook_id
  ON CONFLICT (webhook_id, hour) DO UPDATE
     SET succeeded = h.succeeded + excluded.succeeded,
         dead_lettered = h.dead_lettered + excluded.dead_lettered)`;

/**
 * The record stage: every attempt is stored and its delivery moved on (succeeded, retrying or
 * dead-lettered), attempts of concurrent sends sharing one transaction (group commit). Recording
 * never fails in a way that re-sends: when a batch fails, its attempts are recorded one by one,
 * and one that still fails is recorded without the receiver's answer, or at the very least its
 * delivery is moved on, so a claim is never left to expire and send the attempt again.
 */
@Injectable()
export class AttemptRecorder {
  private readonly logger = new Logger('Deliveries');
  private readonly batcher = new Batcher<AttemptRecord, Recorded>(
    (items) => this.recordMany(items),
    BATCH,
  );

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly webhooks: WebhooksService,
    private readonly audit: AuditService,
  ) {}

  async record(item: AttemptRecord): Promise<Recorded> {
    try {
      return await this.batcher.add(item);
    } catch (err) {
      this.logger.warn(`Batched record failed, recording alone: ${describe(err)}`);
    }
    try {
      return (await this.recordMany([item]))[0];
    } catch (err) {
      this.logger.error(`Attempt of ${item.delivery.id} not recordable as is: ${describe(err)}`);
    }
    return this.recordBare(item);
  }

  /** Records the attempts of a batch in one transaction, retried when it loses a deadlock. */
  private async recordMany(items: AttemptRecord[]): Promise<Recorded[]> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.db.transaction((tx) => this.recordIn(tx, items));
      } catch (err) {
        if (!isTransient(err) || attempt > TRANSIENT_RETRIES) throw err;
      }
    }
  }

  private async recordIn(tx: EntityManager, items: AttemptRecord[]): Promise<Recorded[]> {
    const moved = await this.insertAndMove(tx, items);
    const runs = new Map<string, ('success' | 'dead')[]>();
    for (const i of items) {
      // Only automatic attempts that finish a delivery count towards a webhook's run.
      const finished = i.outcome.status !== 'retrying';
      if (!moved.has(i.delivery.id) || triggerOf(i.delivery) !== 'auto' || !finished) continue;
      const step = i.outcome.status === 'succeeded' ? 'success' : 'dead';
      if (step === 'dead') await this.auditDeadLetter(tx, i);
      runs.set(i.delivery.webhookId, [...(runs.get(i.delivery.webhookId) ?? []), step]);
    }
    await this.webhooks.recordRuns(tx, runs);
    return items.map((i) => ({ moved: moved.has(i.delivery.id) }));
  }

  /**
   * One statement inserts every attempt, moves every delivery that is still open to its next
   * state and counts those that finished (TALLY_OUTCOMES); returns the ids of the deliveries it
   * moved.
   */
  private async insertAndMove(tx: EntityManager, items: AttemptRecord[]): Promise<Set<string>> {
    const column = <T>(f: (i: AttemptRecord) => T): T[] => items.map(f);
    const rows: { id: string }[] = await tx.query(
      `WITH attempts AS (
         INSERT INTO delivery_attempts (delivery_id, number, trigger, started_at, duration_ms,
           request_headers, response_status, response_headers, response_body,
           response_body_truncated, error_code, error_message, delivery_created_at)
         SELECT * FROM unnest($1::uuid[], $2::int[], $3::text[], $4::timestamptz[], $5::int[],
           $6::jsonb[], $7::int[], $8::jsonb[], $9::bytea[], $10::bool[], $11::text[], $12::text[],
           $17::timestamptz[])
       ), moved AS (
         UPDATE deliveries d
            SET status = u.status, next_attempt_at = u.next_at, claimed_until = NULL,
                replay_requested = false, last_response_status = u.code, last_error = u.error,
                url = u.url, updated_at = date_trunc('milliseconds', now())
           FROM unnest($1::uuid[], $13::text[], $14::timestamptz[], $7::int[], $15::text[], $16::text[],
                       $17::timestamptz[])
                AS u(id, status, next_at, code, error, url, created_at)
          WHERE d.id = u.id AND d.created_at = u.created_at AND d.status IN ('pending', 'retrying')
          RETURNING d.id, d.webhook_id, d.status, d.is_test
       ), ${TALLY_OUTCOMES}
       SELECT id FROM moved`,
      [
        column((i) => i.delivery.id),
        column((i) => i.delivery.attemptCount),
        column((i) => triggerOf(i.delivery)),
        column((i) => i.startedAt),
        column((i) => Math.round(i.result.durationMs)),
        column((i) => JSON.stringify(i.requestHeaders)),
        column((i) => i.result.status),
        column((i) => JSON.stringify(storableHeaders(i.result.responseHeaders))),
        column((i) => i.result.responseBody),
        column((i) => i.result.responseBodyTruncated),
        column((i) => i.result.error?.code ?? null),
        column((i) => i.result.error?.message ?? null),
        column((i) => i.outcome.status),
        column((i) => i.outcome.nextAt),
        column((i) => i.outcome.lastError),
        column((i) => i.url),
        column((i) => i.delivery.createdAt),
      ],
    );
    return new Set(rows.map((r) => r.id));
  }

  private async auditDeadLetter(tx: EntityManager, i: AttemptRecord): Promise<void> {
    await this.audit.record(tx, SYSTEM_ACTOR, {
      action: 'delivery.dead_lettered',
      targetType: 'delivery',
      targetId: i.delivery.id,
      after: {
        webhook_id: i.delivery.webhookId,
        event: i.delivery.event,
        attempts: i.delivery.attemptCount,
        last_response_status: i.result.status,
        last_error: i.outcome.lastError,
      },
    });
  }

  /**
   * The last resort: the attempt without the receiver's headers and body, and if even that cannot
   * be written, the delivery moved on alone. Never throws.
   */
  private async recordBare(item: AttemptRecord): Promise<Recorded> {
    const bare: AttemptRecord = {
      ...item,
      result: {
        ...item.result,
        responseHeaders: {},
        responseBody: Buffer.alloc(0),
        error: item.result.error ?? null,
      },
    };
    try {
      return (await this.recordMany([bare]))[0];
    } catch (err) {
      this.logger.error(`Attempt of ${item.delivery.id} not recorded: ${describe(err)}`);
    }
    try {
      const rows: { id: string }[] = await this.db.query(
        `WITH moved AS (
           UPDATE deliveries SET status = $2, next_attempt_at = $3, claimed_until = NULL,
                  replay_requested = false, last_response_status = $4, last_error = $5,
                  updated_at = date_trunc('milliseconds', now())
            WHERE id = $1 AND created_at = $6 AND status IN ('pending', 'retrying')
            RETURNING id, webhook_id, status, is_test
         ), ${TALLY_OUTCOMES}
         SELECT id FROM moved`,
        [
          item.delivery.id,
          item.outcome.status,
          item.outcome.nextAt,
          item.result.status,
          item.outcome.lastError,
          item.delivery.createdAt,
        ],
      );
      return { moved: rows.length > 0 };
    } catch (err) {
      this.logger.error(`Delivery ${item.delivery.id} not moved on: ${describe(err)}`);
      return { moved: false };
    }
  }
}

function isTransient(err: unknown): boolean {
  const e = err as { driverError?: { code?: string }; code?: string };
  return TRANSIENT_CODES.has(e.driverError?.code ?? e.code ?? '');
}

function describe(err: unknown): string {
  const e = err as { code?: string; message?: string };
  return e.code ? `${e.code} ${e.message ?? ''}` : String(err);
}
