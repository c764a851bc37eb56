import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { AppConfig } from '../../config/app-config';
import { EventName, envelopeBody } from '../../events/catalogue';
import { ClaimedEvent, OutboxSubscriber } from '../../events/outbox-relay';
import { Subscription, WebhooksService } from '../webhooks/webhooks.service';
import { DELIVER_JOB, DeliverJobData, QueueName } from './queues';

/**
 * Turns relayed events into deliveries: one row per (event × active subscribed webhook), in the
 * relay's transaction (the unique (event_id, webhook_id) index makes a second relay of the same
 * event harmless), then one job per delivery after commit.
 */
@Injectable()
export class FanOutSubscriber implements OutboxSubscriber {
  readonly name = 'deliveries';

  constructor(
    private readonly webhooks: WebhooksService,
    private readonly config: AppConfig,
    @InjectQueue(QueueName.Deliveries) private readonly queue: Queue<DeliverJobData>,
  ) {}

  async handle(tx: EntityManager, events: ClaimedEvent[]): Promise<(() => Promise<void>) | void> {
    const subscriptions = await this.webhooks.activeSubscriptions(tx);
    if (subscriptions.length === 0) return;
    const byEvent = new Map<string, Subscription[]>();
    for (const s of subscriptions) {
      for (const name of s.events) {
        const list = byEvent.get(name);
        if (list) list.push(s);
        else byEvent.set(name, [s]);
      }
    }
    // Rows go in by chunks, so that a batch of events to many webhooks (200 × 500 = 100,000
    // deliveries) never builds one huge statement or job list in memory.
    const inserted: string[] = [];
    let chunk = new Chunk();
    for (const e of events) {
      const subscribed = byEvent.get(e.eventName);
      if (!subscribed) continue;
      chunk.bodies.push(
        envelopeBody(e.eventName as EventName, e.occurredAt, this.config.TENANT_ID, e.payload),
      );
      for (const s of subscribed) chunk.add(e.id, e.eventName, s);
      if (chunk.size >= INSERT_CHUNK) {
        inserted.push(...(await this.insert(tx, chunk)));
        chunk = new Chunk();
      }
    }
    if (chunk.size > 0) inserted.push(...(await this.insert(tx, chunk)));
    if (inserted.length === 0) return;
    return async () => {
      for (let i = 0; i < inserted.length; i += ENQUEUE_CHUNK) {
        await this.queue.addBulk(
          inserted.slice(i, i + ENQUEUE_CHUNK).map((id) => ({
            name: DELIVER_JOB,
            data: { deliveryId: id },
            opts: { jobId: id },
          })),
        );
      }
    };
  }

  /** One INSERT of a chunk; returns the ids it created (a delivery that exists is skipped). */
  private async insert(tx: EntityManager, c: Chunk): Promise<string[]> {
    const rows: { id: string }[] = await tx.query(
      `INSERT INTO deliveries (id, event_id, webhook_id, webhook_name, url, event, body, status,
                               next_attempt_at, created_at, updated_at)
       SELECT u.id, u.event_id, u.webhook_id, u.webhook_name, u.url, u.event, b.body, 'pending',
              date_trunc('milliseconds', now()), date_trunc('milliseconds', now()),
              date_trunc('milliseconds', now())
         FROM unnest($1::uuid[], $2::bigint[], $3::uuid[], $4::text[], $5::text[], $6::text[], $7::int[])
              AS u(id, event_id, webhook_id, webhook_name, url, event, body_no)
         JOIN unnest($8::text[]) WITH ORDINALITY AS b(body, no) ON b.no = u.body_no
       ON CONFLICT (event_id, webhook_id) WHERE event_id IS NOT NULL DO NOTHING
       RETURNING id`,
      [c.id, c.eventId, c.webhookId, c.webhookName, c.url, c.event, c.body, c.bodies],
    );
    return rows.map((r) => r.id);
  }
}

/** Deliveries inserted by one statement at most. */
const INSERT_CHUNK = 5_000;
/** Jobs added by one addBulk at most. */
const ENQUEUE_CHUNK = 2_000;

/** The columns of one INSERT, each event's body once (rows point at it by its 1-based number). */
class Chunk {
  readonly id: string[] = [];
  readonly eventId: string[] = [];
  readonly webhookId: string[] = [];
  readonly webhookName: string[] = [];
  readonly url: string[] = [];
  readonly event: string[] = [];
  readonly body: number[] = [];
  readonly bodies: string[] = [];

  get size(): number {
    return this.id.length;
  }

  /** A delivery of the event whose body was pushed last. */
  add(eventId: string, eventName: string, s: Subscription): void {
    this.id.push(randomUUID());
    this.eventId.push(eventId);
    this.webhookId.push(s.id);
    this.webhookName.push(s.displayName);
    this.url.push(s.url);
    this.event.push(eventName);
    this.body.push(this.bodies.length);
  }
}
