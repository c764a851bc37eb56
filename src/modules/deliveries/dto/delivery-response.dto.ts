import { ApiProperty } from '@nestjs/swagger';
import {
  ApiDateTime,
  ApiJsonObject,
  ApiNullableString,
  ApiUuid,
  CursorPageOf,
  DataOf,
} from '../../../admin-openapi';
import type { AttemptTrigger } from '../entities/delivery-attempt.entity';
import type { DeliveryStatus } from '../entities/delivery.entity';
import { DELIVERY_STATUSES } from './delivery.dto';

const TRIGGERS: AttemptTrigger[] = ['auto', 'replay', 'test'];
const HEADERS = { type: 'object', additionalProperties: { type: 'string' } } as const;

/** `Delivery` in docs/http-api.md. */
export class DeliveryResponse {
  @ApiUuid(false, { description: 'Also the `X-Zorio-Delivery` header' }) id!: string;
  @ApiUuid(true, { description: 'null once the webhook is deleted' }) webhook_id!: string | null;
  @ApiProperty() webhook_name!: string;
  @ApiProperty() url!: string;
  @ApiProperty({ example: 'pbx.call.ended' }) event!: string;
  @ApiNullableString() ordering_key!: string | null;
  @ApiProperty({ type: 'integer', nullable: true }) sequence!: number | null;
  @ApiProperty({ enum: DELIVERY_STATUSES, enumName: 'DeliveryStatus' }) status!: DeliveryStatus;
  @ApiProperty() is_test!: boolean;
  @ApiProperty({ type: 'integer' }) attempt_count!: number;
  @ApiProperty({ type: 'integer' }) retry_count!: number;
  @ApiDateTime(true) next_attempt_at!: string | null;
  @ApiUuid(true, { description: 'The open delivery an ordered delivery waits on, else null' })
  waiting_for!: string | null;
  @ApiProperty({ type: 'integer', nullable: true }) last_response_status!: number | null;
  @ApiNullableString() last_error!: string | null;
  @ApiDateTime() created_at!: string;
  @ApiDateTime() updated_at!: string;
}

export class AttemptError {
  @ApiProperty({
    description:
      '`timeout`, `dns`, `connection`, `tls`, `http_status`, `blocked_address` (newer codes may come)',
    example: 'http_status',
  })
  code!: string;
  @ApiProperty() message!: string;
}

export class DeliveryAttempt {
  @ApiProperty({ type: 'integer' }) number!: number;
  @ApiProperty({ enum: TRIGGERS, enumName: 'AttemptTrigger' }) trigger!: AttemptTrigger;
  @ApiDateTime() started_at!: string;
  @ApiProperty({ type: 'integer' }) duration_ms!: number;
  @ApiProperty(HEADERS) request_headers!: Record<string, string>;
  @ApiProperty({ type: 'integer', nullable: true }) response_status!: number | null;
  @ApiProperty({ ...HEADERS, nullable: true }) response_headers!: Record<string, string> | null;
  @ApiNullableString({ description: 'As text (up to the stored limit)' })
  response_body!: string | null;
  @ApiProperty() response_body_truncated!: boolean;
  @ApiProperty({ type: () => AttemptError, nullable: true }) error!: AttemptError | null;
}

/** `DeliveryDetail`: a delivery with its payload and attempts. */
export class DeliveryDetailResponse extends DeliveryResponse {
  @ApiJsonObject(false, { description: 'The body sent, as JSON (the event envelope)' })
  payload!: unknown;
  @ApiProperty({ type: () => DeliveryAttempt, isArray: true }) attempts!: DeliveryAttempt[];
}

export class DeliveryPage extends CursorPageOf(DeliveryResponse) {}
export class DeliveryEnvelope extends DataOf(DeliveryResponse) {}
export class DeliveryDetailEnvelope extends DataOf(DeliveryDetailResponse) {}

export class ReplayCount {
  @ApiProperty({ type: 'integer', description: 'Dead letters queued for another attempt' })
  count!: number;
}
export class ReplayCountEnvelope extends DataOf(ReplayCount) {}
