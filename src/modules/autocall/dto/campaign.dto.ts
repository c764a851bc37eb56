import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches } from 'class-validator';
import { IntBetween, IsText } from '../../../common/fields';
import { ApiFieldErrors, DataOf, PageOf } from '../../../openapi';
import { IsSmallJsonObject } from '../../../common/json-object';
import { ImportRows } from '../../../common/leads/import-rows';
import { RowList } from '../../../common/validation';

export class CreateAutocallCampaignDto {
  @ApiProperty({ example: 'Nhắc lịch hẹn tháng 7', minLength: 1, maxLength: 200 })
  @IsText(200, 1)
  name!: string;

  @ApiPropertyOptional({ example: 'Appointment reminders for July', maxLength: 2000 })
  @IsOptional()
  @IsText(2000)
  description?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 1000, default: 10, example: 20 })
  @IsOptional()
  @IntBetween(1, 1000)
  max_concurrent?: number;
}

export class AutocallLeadRowDto {
  @ApiProperty({
    description: 'Vietnamese number, normalised to `84…` (0912 345 678, +84…, 84…)',
    example: '0987.654.321',
  })
  @IsText(40)
  phone!: string;

  @ApiPropertyOptional({ example: 'CRM-88213', maxLength: 100 })
  @IsOptional()
  @IsString({ message: 'external_ref must be a string' })
  @Matches(/^[\x20-\x7E]{1,100}$/, {
    message: 'external_ref must be 1 to 100 printable ASCII characters',
  })
  external_ref?: string | null;

  @ApiPropertyOptional({
    description: 'Data for the call script (≤ 50 keys, ≤ 16 KiB)',
    example: { customer_name: 'Trần Thị Bình', appointment: '2026-07-02T09:00:00+07:00' },
  })
  @IsOptional()
  @IsSmallJsonObject(50, 16 * 1024)
  payload?: Record<string, unknown>;
}

@RowList('leads')
export class ImportAutocallLeadsDto {
  @ImportRows(AutocallLeadRowDto)
  leads!: unknown[];
}

export class AutocallCampaignView {
  @ApiProperty({ example: 9 }) id!: number;
  @ApiProperty({ example: 'Nhắc lịch hẹn tháng 7' }) name!: string;
  @ApiProperty({ nullable: true, type: String }) description!: string | null;
  @ApiProperty({ example: 10 }) max_concurrent!: number;
  @ApiProperty({ enum: ['draft', 'running', 'paused', 'finished'] }) status!: string;
  @ApiProperty({
    enum: ['all_leads_done', 'manual', 'end_at_reached'],
    nullable: true,
    type: String,
  })
  finished_reason!: string | null;
  @ApiProperty() total_leads!: number;
  @ApiProperty({ description: 'Leads not completed yet (pending or in a call)' })
  pending_leads!: number;
  @ApiProperty() completed_leads!: number;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) started_at!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) finished_at!: string | null;
  @ApiProperty({ format: 'date-time' }) created_at!: string;
  @ApiProperty({ format: 'date-time' }) updated_at!: string;
}

export class AutocallCampaignResponse extends DataOf(AutocallCampaignView) {}
export class AutocallCampaignListResponse extends PageOf(AutocallCampaignView) {}

export class AutocallLeadView {
  @ApiProperty({ example: 30117 }) id!: number;
  @ApiProperty({ example: 9 }) campaign_id!: number;
  @ApiProperty({ example: '84987654321' }) phone!: string;
  @ApiProperty({ nullable: true, type: String }) external_ref!: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true }) payload!: object;
  @ApiProperty({ enum: ['pending', 'in_call', 'done'] }) status!: string;
  @ApiProperty() attempts!: number;
  @ApiProperty({ format: 'date-time' }) created_at!: string;
  @ApiProperty({ format: 'date-time' }) updated_at!: string;
}

export class AutocallLeadListResponse extends PageOf(AutocallLeadView) {}

export class AutocallImportRowError {
  @ApiProperty({ example: 3 }) index!: number;
  @ApiFieldErrors({ phone: ['phone must be a Vietnamese phone number'] })
  errors!: Record<string, string[]>;
}

export class AutocallImportResult {
  @ApiProperty({ example: 498 }) created!: number;
  @ApiProperty({
    description: 'Rows whose normalised phone is already in the campaign or repeated in the import',
    example: 2,
  })
  duplicates!: number;
  @ApiProperty({ type: [AutocallImportRowError] }) invalid!: AutocallImportRowError[];
}

export class AutocallImportResponse extends DataOf(AutocallImportResult) {}
