import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Actor } from '../../common/actor';
import { fieldError } from '../../common/errors';
import { AppConfig } from '../../config/app-config';
import { EVENT_TYPES, envelopeBody, isEventName } from '../../events/catalogue';
import { AuditService } from '../audit/audit.service';
import { WebhooksService } from '../webhooks/webhooks.service';
import { deliveryId } from './delivery-ids';
import type { DeliveryDetailResponse } from './dto/delivery-response.dto';
import { DeliveryHistory } from './history/delivery-history.service';
import { decideOutcome } from './lanes/attempt-outcome';
import { AttemptRecorder } from './lanes/attempt-recorder';
import { AttemptSender } from './lanes/attempt-sender';
import { LaneClaims } from './lanes/lane-claims';

/**
 * "Send test event": one attempt of a sample through the real claim, sign, send and record
 * stages, outside the lane (it goes whatever the webhook's state, and the admin waits for it).
 */
@Injectable()
export class TestEventsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly webhooks: WebhooksService,
    private readonly audit: AuditService,
    private readonly claims: LaneClaims,
    private readonly sender: AttemptSender,
    private readonly recorder: AttemptRecorder,
    private readonly history: DeliveryHistory,
    private readonly config: AppConfig,
  ) {}

  async send(actor: Actor, webhookId: string, event?: string): Promise<DeliveryDetailResponse> {
    const webhook = await this.webhooks.get(webhookId);
    const name = event ?? webhook.events[0];
    if (!isEventName(name) || !webhook.events.includes(name)) {
      throw fieldError('event', 'event must be one of the events this webhook subscribes to');
    }
    const now = new Date();
    const id = deliveryId(now);
    const body = envelopeBody(name, now, this.config.TENANT_ID, EVENT_TYPES[name].sample);
    await this.db.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO deliveries (id, event_id, webhook_id, webhook_name, url, event, body, is_test,
                                 status, created_at, updated_at)
         VALUES ($1, NULL, $2, $3, $4, $5, $6, true, 'pending', $7, $7)`,
        [id, webhook.id, webhook.displayName, webhook.url, name, body, now],
      );
      await this.audit.record(tx, actor, {
        action: 'webhook.test_sent',
        targetType: 'webhook',
        targetId: webhook.id,
        after: { event: name, delivery_id: id },
      });
    });
    await this.attempt(id, webhookId);
    return this.history.detail(id);
  }

  private async attempt(id: string, webhookId: string): Promise<void> {
    const d = await this.claims.claimOne(id);
    const target = await this.webhooks.laneTarget(webhookId);
    if (!d || !target) return;
    const sent = await this.sender.send(target, d);
    const outcome = decideOutcome(d, sent.result, this.config.retrySchedule);
    await this.recorder.record({ delivery: d, url: target.url, ...sent, outcome });
  }
}
