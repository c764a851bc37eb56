import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AppConfig } from '../../config/app-config';
import { EventName, envelopeBody } from '../../events/catalogue';
import { ClaimedEvent, OutboxSubscriber } from '../../events/outbox-relay';
import { Subscription, WebhooksService } from '../webhooks/webhooks.service';
import { deliveryId } from './delivery-ids';
import { LaneSignals } from './lanes/lane-signals';
import { DeliveryPartitions } from './partitions';

/**
 * Turns relayed events into deliveries: one row per (event × subscribed webhook), in the relay's
 * transaction, then, after commit, one signal per lane that got work. The payload lives only in
 * PostgreSQL; Redis carries the lane's drain job.
 *
 * A delivery's created_at (its day partition's key) is its event's time, to the millisecond, so
 * the unique (event_id, webhook_id, created_at) key makes a second relay of the same event
 * harmless. An event older than the oldest kept day (an outbox that stood still for longer than
 * the retention) is filed under that day, whose partition exists.
 */
@Injectable()
export class FanOutSubscriber implements OutboxSubscriber {
  readonly name = 'deliveries';

  constructor(
    private readonly webhooks: WebhooksService,
    private readonly config: AppConfig,
    private readonly signals: LaneSignals,
    private readonly partitions: DeliveryPartitions,
  ) {}

  async handle(tx: EntityManager, events: ClaimedEvent[]): Promise<(() => Promise<void>) | void> {
    const byEvent = subscribersByEvent(await this.webhooks.subscriptions(tx));
    if (byEvent.size === 0) return;
    // Rows go in by chunks, so that a batch of events to many webhooks (200 × 500 = 100,000
    // deliveries) never builds one huge statement in memory.
    const lanes = new Set<string>();
    const oldest = this.partitions.oldestKept().getTime();
    let chunk = new Chunk();
    for (const e of events) {
      const subscribed = byEvent.get(e.eventName);
      if (!subscribed) continue;
      chunk.bodies.push(
        envelopeBody(e.eventName as EventName, e.occurredAt, this.config.TENANT_ID, e.payload),
      );
      const at = new Date(Math.max(e.occurredAt.getTime(), oldest));
      for (const s of subscribed) chunk.add(e, s, at);
      if (chunk.size >= INSERT_CHUNK) {
        for (const id of await this.insert(tx, chunk)) lanes.add(id);
        chunk = new Chunk();
      }
    }
    if (chunk.size > 0) for (const id of await this.insert(tx, chunk)) lanes.add(id);
    if (lanes.size === 0) return;
    return () => this.signals.signal(lanes);
  }

  /** One INSERT of a chunk; returns the lanes (webhook ids) that got a new delivery. */
  private async insert(tx: EntityManager, c: Chunk): Promise<string[]> {
    const rows: { webhook_id: string }[] = await tx.query(
      `INSERT INTO deliveries (id, event_id, webhook_id, webhook_name, url, event, body,
                               ordering_key, sequence, status, next_attempt_at, created_at,
                               updated_at)
       SELECT u.id, u.event_id, u.webhook_id, u.webhook_name, u.url, u.event, b.body,
              u.ordering_key, u.sequence, 'pending', date_trunc('milliseconds', now()),
              u.created_at, date_trunc('milliseconds', now())
         FROM unnest($1::uuid[], $2::bigint[], $3::uuid[], $4::text[], $5::text[], $6::text[],
                     $7::int[], $8::text[], $9::bigint[], $11::timestamptz[])
              AS u(id, event_id, webhook_id, webhook_name, url, event, body_no, ordering_key,
                   sequence, created_at)
         JOIN unnest($10::text[]) WITH ORDINALITY AS b(body, no) ON b.no = u.body_no
       ON CONFLICT (event_id, webhook_id, created_at) DO NOTHING
       RETURNING webhook_id`,
      [
        c.id,
        c.eventId,
        c.webhookId,
        c.webhookName,
        c.url,
        c.event,
        c.body,
        c.orderingKey,
        c.sequence,
        c.bodies,
        c.createdAt,
      ],
    );
    return [...new Set(rows.map((r) => r.webhook_id))];
  }
}

function subscribersByEvent(subscriptions: Subscription[]): Map<string, Subscription[]> {
  const byEvent = new Map<string, Subscription[]>();
  for (const s of subscriptions) {
    for (const name of s.events) {
      const list = byEvent.get(name);
      if (list) list.push(s);
      else byEvent.set(name, [s]);
    }
  }
  return byEvent;
}

/** Deliveries inserted by one statement at most. */
const INSERT_CHUNK = 5_000;

/** The columns of one INSERT, each event's body once (rows point at it by its 1-based number). */
class Chunk {
  readonly id: string[] = [];
  readonly eventId: string[] = [];
  readonly webhookId: string[] = [];
  readonly webhookName: string[] = [];
  readonly url: string[] = [];
  readonly event: string[] = [];
  readonly body: number[] = [];
  readonly orderingKey: string[] = [];
  readonly sequence: string[] = [];
  readonly bodies: string[] = [];
  readonly createdAt: Date[] = [];

  get size(): number {
    return this.id.length;
  }

  /** A delivery of the event whose body was pushed last, created at `at`. */
  add(e: ClaimedEvent, s: Subscription, at: Date): void {
    this.id.push(deliveryId(at));
    this.createdAt.push(at);
    this.eventId.push(e.id);
    this.webhookId.push(s.id);
    this.webhookName.push(s.displayName);
    this.url.push(s.url);
    this.event.push(e.eventName);
    this.body.push(this.bodies.length);
    this.orderingKey.push(e.orderingKey);
    this.sequence.push(String(e.sequence));
  }
}
