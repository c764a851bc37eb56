import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsDate, IsIn, IsOptional, IsString, IsUUID, Length } from 'class-validator';
import { CursorQuery, toDate } from '../../../common/query-dto';
import { EVENT_NAMES } from '../../../events/catalogue';
import type { DeliveryStatus } from '../entities/delivery.entity';

export const DELIVERY_STATUSES: DeliveryStatus[] = [
  'pending',
  'retrying',
  'succeeded',
  'dead_letter',
  'cancelled',
];

export class DeliveryQueryDto extends CursorQuery {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all', { message: 'webhook_id must be a UUID' })
  webhook_id?: string;

  @ApiPropertyOptional({ description: 'A catalogue event name' })
  @IsOptional()
  @IsIn(EVENT_NAMES, { message: 'event must be a catalogue event name' })
  event?: string;

  @ApiPropertyOptional({ minLength: 1, maxLength: 200 })
  @IsOptional()
  @IsString({ message: 'ordering_key must be a string' })
  @Length(1, 200, { message: 'ordering_key must be 1 to 200 characters' })
  ordering_key?: string;

  @ApiPropertyOptional({ enum: DELIVERY_STATUSES, enumName: 'DeliveryStatus' })
  @IsOptional()
  @IsIn(DELIVERY_STATUSES, { message: `status must be one of ${DELIVERY_STATUSES.join(', ')}` })
  status?: DeliveryStatus;
}

export class ReplayDeadLettersDto {
  @ApiProperty({ type: String, format: 'date-time', description: 'Dead letters since then' })
  @Transform(toDate)
  @IsDate({ message: 'since must be an ISO 8601 date-time' })
  since!: Date;
}

export class TestWebhookDto {
  @ApiPropertyOptional({ description: "One of the webhook's events (default: its first)" })
  @IsOptional()
  @IsString()
  @IsIn(EVENT_NAMES, { message: 'event must be a catalogue event name' })
  event?: string;
}
