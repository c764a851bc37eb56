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
    const cols = {
      id: [] as string[],
      eventId: [] as string[],
      webhookId: [] as string[],
      webhookName: [] as string[],
      url: [] as string[],
      event: [] as string[],
      /** Index (1-based) into `bodies`: an event's body is sent once, not once per webhook. */
      body: [] as number[],
    };
    const bodies: string[] = [];
    for (const e of events) {
      const subscribed = byEvent.get(e.eventName);
      if (!subscribed) continue;
      bodies.push(
        envelopeBody(e.eventName as EventName, e.occurredAt, this.config.TENANT_ID, e.payload),
      );
      for (const s of subscribed) {
        cols.id.push(randomUUID());
        cols.eventId.push(e.id);
        cols.webhookId.push(s.id);
        cols.webhookName.push(s.displayName);
        cols.url.push(s.url);
        cols.event.push(e.eventName);
        cols.body.push(bodies.length);
      }
    }
    if (cols.id.length === 0) return;
    const inserted: { id: string }[] = await tx.query(
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
      [
        cols.id,
        cols.eventId,
        cols.webhookId,
        cols.webhookName,
        cols.url,
        cols.event,
        cols.body,
        bodies,
      ],
    );
    if (inserted.length === 0) return;
    return async () => {
      await this.queue.addBulk(
        inserted.map(({ id }) => ({
          name: DELIVER_JOB,
          data: { deliveryId: id },
          opts: { jobId: id },
        })),
      );
    };
  }
}
