import { ApiProperty } from '@nestjs/swagger';
import { ApiDateTime, ApiNullableString, ApiUuid, DataOf, ListOf } from '../../../admin-openapi';
import {
  WEBHOOK_ORDERINGS,
  type WebhookOrdering,
  type WebhookStatus,
} from '../entities/webhook.entity';

const WEBHOOK_STATUSES: WebhookStatus[] = ['active', 'paused', 'suspended'];
/** The deliveries module's statuses (named `DeliveryStatus` in the console's document). */
const DELIVERY_STATUSES = ['pending', 'retrying', 'succeeded', 'dead_letter', 'cancelled'];

/** A webhook's settings, as the audit log records them (`presentWebhook`). */
export class WebhookRecord {
  @ApiUuid() id!: string;
  @ApiProperty({ example: 'CRM production' }) display_name!: string;
  @ApiProperty({ example: 'https://crm.example.com/hooks/zorio' }) url!: string;
  @ApiProperty({ type: String, isArray: true, example: ['pbx.call.ended'] }) events!: string[];
  @ApiProperty({ enum: WEBHOOK_STATUSES, enumName: 'WebhookStatus' }) status!: WebhookStatus;
  @ApiProperty({ type: 'integer' }) consecutive_failures!: number;
  @ApiDateTime(true) suspended_at!: string | null;
  @ApiNullableString({ description: 'Why the webhook was suspended, while it is' })
  suspended_reason!: string | null;
  @ApiDateTime(true) secret_rotated_at!: string | null;
  @ApiProperty({ type: 'integer', minimum: 1, maximum: 64 }) max_in_flight!: number;
  @ApiProperty({ type: 'integer', nullable: true, description: 'null: no limit' })
  rate_limit_per_second!: number | null;
  @ApiProperty({ enum: WEBHOOK_ORDERINGS, enumName: 'WebhookOrdering' })
  ordering!: WebhookOrdering;
  @ApiDateTime() created_at!: string;
  @ApiDateTime() updated_at!: string;
}

/** The endpoint's live delivery state. */
export class WebhookLane {
  @ApiProperty({ type: 'integer', description: 'Requests open to the endpoint now' })
  in_flight!: number;
  @ApiProperty({ type: 'integer', description: 'Deliveries due (the backlog)' }) due!: number;
  @ApiDateTime(true, { description: 'When the oldest due delivery became due' })
  oldest_due_at!: string | null;
  @ApiDateTime(true, { description: 'Until when a 429/503 `Retry-After` throttles the lane' })
  throttled_until!: string | null;
}

/** `Webhook` in docs/http-api.md: its settings, delivery figures and lane. */
export class WebhookResponse extends WebhookRecord {
  @ApiDateTime(true) last_delivery_at!: string | null;
  @ApiProperty({ enum: DELIVERY_STATUSES, enumName: 'DeliveryStatus', nullable: true })
  last_delivery_status!: string | null;
  @ApiProperty({
    type: Number,
    nullable: true,
    minimum: 0,
    maximum: 1,
    description: 'Fraction of the last 24 h finished deliveries that succeeded; null when none',
  })
  success_rate_24h!: number | null;
  @ApiProperty({ type: () => WebhookLane }) lane!: WebhookLane;
}

export class WebhookEnvelope extends DataOf(WebhookResponse) {}
export class WebhookList extends ListOf(WebhookResponse) {}

/** A webhook and its signing secret: the only time the secret is shown. */
export class WebhookWithSecret {
  @ApiProperty({ type: () => WebhookResponse }) data!: WebhookResponse;
  @ApiProperty({ description: '32 alphanumeric characters', example: 'k3J9…' }) secret!: string;
}
