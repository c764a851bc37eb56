import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { DataOf } from '../../../openapi';
import {
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsUUID,
  Matches,
  Max,
  Min,
  ValidateIf,
} from 'class-validator';
import { IsText } from '../../../common/fields';

export const CALL_EVENT_TYPES = ['dialed', 'answered', 'dtmf', 'transferred', 'completed'] as const;
export type CallEventType = (typeof CALL_EVENT_TYPES)[number];

const present = (v: unknown): boolean => v !== undefined && v !== null;

/** What the dialer engine reports about one call; fields beyond the common ones depend on `type`. */
export class CallEventDto {
  @ApiProperty({ enum: CALL_EVENT_TYPES, example: 'dialed' })
  @IsIn(CALL_EVENT_TYPES, { message: `type must be one of ${CALL_EVENT_TYPES.join(', ')}` })
  type!: CallEventType;

  @ApiProperty({ format: 'uuid', description: "The dialer's call uuid" })
  @IsUUID('all', { message: 'uuid must be a UUID' })
  uuid!: string;

  @ApiProperty({ example: 30117 })
  @IsInt({ message: 'lead_id must be a lead id' })
  @Min(1, { message: 'lead_id must be a lead id' })
  @Max(2_147_483_647, { message: 'lead_id must be a lead id' })
  lead_id!: number;

  @ApiPropertyOptional({
    format: 'date-time',
    description: 'When it happened (default: now): started_at / answered_at / pressed_at / ...',
  })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'occurred_at must be an ISO 8601 date-time' })
  occurred_at?: string;

  @ApiPropertyOptional({
    description: 'Required for `dialed`: the number shown',
    example: '842873001234',
  })
  @ValidateIf((o: CallEventDto) => o.type === 'dialed' || present(o.caller_id))
  @Matches(/^\+?\d{3,20}$/, { message: 'caller_id must be a phone number (3 to 20 digits)' })
  caller_id?: string;

  @ApiPropertyOptional({
    description: 'Required for `dtmf` (`0`–`9`, `*`, `#`); optional for `transferred`',
    example: '1',
  })
  @ValidateIf((o: CallEventDto) => o.type === 'dtmf' || present(o.digit))
  @Matches(/^[0-9*#]$/, { message: 'digit must be one of 0-9, * or #' })
  digit?: string | null;

  @ApiPropertyOptional({
    description: 'For `dtmf`: what the key does in the script',
    example: 'confirm',
  })
  @IsOptional()
  @IsText(64)
  action_type?: string | null;

  @ApiPropertyOptional({ description: 'Required for `transferred`', example: 'support' })
  @ValidateIf((o: CallEventDto) => o.type === 'transferred' || present(o.queue_name))
  @IsText(100, 1)
  queue_name?: string;

  @ApiPropertyOptional({
    description: 'For `completed`: the outcome, e.g. answered, no_answer, busy, failed',
    example: 'answered',
  })
  @IsOptional()
  @Matches(/^[a-z_]{1,32}$/, { message: 'result must be 1 to 32 lowercase letters or _' })
  result?: string | null;
}

export class AutocallCallView {
  @ApiProperty({ format: 'uuid' }) uuid!: string;
  @ApiProperty() campaign_id!: number;
  @ApiProperty() lead_id!: number;
  @ApiProperty() attempt_number!: number;
  @ApiProperty() caller_id!: string;
  @ApiProperty({ enum: ['dialing', 'answered', 'transferred', 'completed'] }) status!: string;
  @ApiProperty({ format: 'date-time' }) started_at!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) answered_at!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  transferred_at!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) ended_at!: string | null;
  @ApiProperty({ nullable: true, type: String }) result!: string | null;
}

export class AutocallCallResponse extends DataOf(AutocallCallView) {}
