import { Injectable, OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { WebhooksService } from '../webhooks/webhooks.service';
import { DeliveryHistory } from './history/delivery-history.service';
import { LaneSignals } from './lanes/lane-signals';

/**
 * What deliveries does when a webhook changes: a deleted webhook's backlog is cancelled in the
 * deleting transaction (and its drain job, sleeping until a retry, goes), a resumed one's lane is
 * signalled (its held backlog goes out, oldest first), and its figures and lane state are shown
 * with it.
 */
@Injectable()
export class WebhookLifecycle implements OnModuleInit {
  constructor(
    private readonly webhooks: WebhooksService,
    private readonly signals: LaneSignals,
    private readonly history: DeliveryHistory,
  ) {}

  onModuleInit(): void {
    this.webhooks.addListener({
      deleting: (tx, webhookId) => this.cancelBacklog(tx, webhookId),
      resumed: (webhookId) => this.signals.signal([webhookId]),
      deleted: (webhookId) => this.signals.forget(webhookId),
    });
    this.webhooks.provideStats((ids) => this.history.webhookStats(ids));
  }

  private async cancelBacklog(tx: EntityManager, webhookId: string): Promise<void> {
    await tx.query(
      `UPDATE deliveries SET status = 'cancelled', next_attempt_at = NULL, claimed_until = NULL,
              updated_at = date_trunc('milliseconds', now())
        WHERE webhook_id = $1 AND status IN ('pending', 'retrying')`,
      [webhookId],
    );
  }
}
