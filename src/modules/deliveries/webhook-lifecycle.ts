import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type {
  WebhookLifecycle,
  WebhookStats,
  WebhookStatsSource,
} from '../webhooks/webhooks.service';
import { DeliveryHistory } from './history/delivery-history.service';
import { LaneSignals } from './lanes/lane-signals';

/**
 * Deliveries' side of the webhooks module's WebhookLifecycle port: a deleted webhook's backlog is
 * cancelled in the deleting transaction (and its drain job, sleeping until a retry, goes), a
 * resumed one's lane is signalled (its held backlog goes out, oldest first).
 */
@Injectable()
export class DeliveriesOnWebhookChange implements WebhookLifecycle {
  constructor(private readonly signals: LaneSignals) {}

  async deleting(tx: EntityManager, webhookId: string): Promise<void> {
    await tx.query(
      `UPDATE deliveries SET status = 'cancelled', next_attempt_at = NULL, claimed_until = NULL,
              updated_at = date_trunc('milliseconds', now())
        WHERE webhook_id = $1 AND status IN ('pending', 'retrying')`,
      [webhookId],
    );
  }

  resumed(webhookId: string): Promise<void> {
    return this.signals.signal([webhookId]);
  }

  deleted(webhookId: string): Promise<void> {
    return this.signals.forget(webhookId);
  }
}

/** Deliveries' side of the WebhookStatsSource port: figures and lane state of each webhook. */
@Injectable()
export class WebhookFigures implements WebhookStatsSource {
  constructor(private readonly history: DeliveryHistory) {}

  webhookStats(ids: string[]): Promise<Map<string, WebhookStats>> {
    return this.history.webhookStats(ids);
  }
}
