import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '../../../config/app-config';
import { DeliveryMetrics } from '../delivery-metrics';
import { type AttemptResult, WebhookSender } from '../sending/webhook-sender';
import type { ClaimedDelivery } from './claimed-delivery';
import { signAttempt } from './sign';

export interface SentAttempt {
  startedAt: Date;
  requestHeaders: Record<string, string>;
  result: AttemptResult;
}

/**
 * The send stage: signs a claimed delivery and POSTs it (the process's one WebhookSender: shared
 * keep-alive connections, 5 s deadline, SSRF guard at connect). Never throws.
 */
@Injectable()
export class AttemptSender implements OnApplicationShutdown {
  readonly sender: WebhookSender;

  constructor(
    config: AppConfig,
    private readonly metrics: DeliveryMetrics,
  ) {
    this.sender = new WebhookSender({
      timeoutMs: config.WEBHOOK_TIMEOUT_MS,
      allowPrivateNetworks: config.WEBHOOK_ALLOW_PRIVATE_NETWORKS,
      caFile: config.WEBHOOK_CA_FILE,
    });
  }

  /** Last: the lanes' worker has let its running drains finish first (LaneProcessor). */
  async onApplicationShutdown(): Promise<void> {
    await this.sender.close();
  }

  async send(target: { url: string; secret: string }, d: ClaimedDelivery): Promise<SentAttempt> {
    const body = Buffer.from(d.body, 'utf8');
    const requestHeaders = signAttempt(target.secret, d, body);
    const startedAt = new Date();
    const result = await this.sender.send({ url: target.url, headers: requestHeaders, body });
    this.metrics.attemptDuration.observe(
      { outcome: result.ok ? 'ok' : 'error' },
      result.durationMs / 1000,
    );
    return { startedAt, requestHeaders, result };
  }
}
