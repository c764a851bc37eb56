import type { WebhookRecord } from '../dto/webhook-response.dto';
import { Check, Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { Timestamped } from '../../../database/timestamps';

export type WebhookStatus = 'active' | 'paused' | 'suspended';
export type WebhookOrdering = 'none' | 'per_key';
export const WEBHOOK_ORDERINGS: readonly WebhookOrdering[] = ['none', 'per_key'];

@Entity('webhooks')
@Check('CHK_webhooks_max_in_flight', 'max_in_flight BETWEEN 1 AND 64')
@Check('CHK_webhooks_rate_limit', 'rate_limit_per_second BETWEEN 1 AND 10000')
@Check('CHK_webhooks_ordering', "ordering IN ('none', 'per_key')")
export class Webhook extends Timestamped {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'display_name', type: 'varchar', length: 100 })
  displayName!: string;

  @Column({ type: 'varchar', length: 2048 })
  url!: string;

  @Column({ type: 'text', array: true })
  events!: string[];

  @Column({ type: 'varchar', length: 16, default: 'active' })
  status!: WebhookStatus;

  /** AES-256-GCM under SECRETS_KEY (see secret-box.ts); never leaves this module in clear. */
  @Column({ name: 'secret_encrypted', type: 'text' })
  secretEncrypted!: string;

  @Column({ name: 'consecutive_failures', type: 'integer', default: 0 })
  consecutiveFailures!: number;

  @Column({ name: 'suspended_at', type: 'timestamptz', nullable: true })
  suspendedAt!: Date | null;

  @Column({ name: 'suspended_reason', type: 'text', nullable: true })
  suspendedReason!: string | null;

  /** Requests open at once to this endpoint at most (its lane's window). */
  @Column({ name: 'max_in_flight', type: 'integer', default: 8 })
  maxInFlight!: number;

  /** Requests started per second at most, shared by every worker; null for no limit. */
  @Column({ name: 'rate_limit_per_second', type: 'integer', nullable: true })
  rateLimitPerSecond!: number | null;

  /** `per_key`: the events of one ordering key are delivered strictly in sequence. */
  @Column({ type: 'varchar', length: 16, default: 'none' })
  ordering!: WebhookOrdering;

  @Column({ name: 'secret_rotated_at', type: 'timestamptz', nullable: true })
  secretRotatedAt!: Date | null;
}

export function presentWebhook(w: Webhook): WebhookRecord {
  return {
    id: w.id,
    display_name: w.displayName,
    url: w.url,
    events: w.events,
    status: w.status,
    consecutive_failures: w.consecutiveFailures,
    suspended_at: w.suspendedAt?.toISOString() ?? null,
    suspended_reason: w.suspendedReason,
    secret_rotated_at: w.secretRotatedAt?.toISOString() ?? null,
    max_in_flight: w.maxInFlight,
    rate_limit_per_second: w.rateLimitPerSecond,
    ordering: w.ordering,
    created_at: w.createdAt.toISOString(),
    updated_at: w.updatedAt.toISOString(),
  };
}
