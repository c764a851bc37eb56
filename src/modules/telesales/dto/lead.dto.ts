import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsEmail,
  IsISO8601,
  IsOptional,
  IsUUID,
  Matches,
  MaxLength,
  ValidateIf,
} from 'class-validator';
import { IsText, stacked } from '../../../common/fields';
import { ApiFieldErrors, DataOf, PageOf } from '../../../openapi';
import { IsSmallJsonObject } from '../../../common/json-object';
import { ImportRows } from '../../../common/leads/import-rows';
import { RowList } from '../../../common/validation';

/** An email address (at most 254 characters), or absent or null. */
const OptionalEmail = (): PropertyDecorator =>
  stacked(
    IsOptional(),
    IsEmail({}, { message: 'email must be an email address' }),
    MaxLength(254, { message: 'email must be at most 254 characters' }),
  );

export class CreateTelesalesLeadDto {
  @ApiProperty({ example: 'Nguyễn Văn An', minLength: 1, maxLength: 200 })
  @IsText(200, 1)
  full_name!: string;

  @ApiProperty({
    description:
      'Normalised to digits with country code: Vietnamese numbers (0912 345 678, +84…, 84…) become `84…`',
    example: '0912 345 678',
  })
  @IsText(40)
  phone!: string;

  @ApiPropertyOptional({ example: 'an.nguyen@example.com', nullable: true, type: String })
  @OptionalEmail()
  email?: string | null;

  @ApiPropertyOptional({
    description: 'Any JSON object (≤ 50 keys, ≤ 16 KiB)',
    example: { province: 'Hà Nội', product: 'Gói Premium' },
  })
  @IsOptional()
  @IsSmallJsonObject(50, 16 * 1024)
  custom_fields?: Record<string, unknown>;
}

@RowList('leads')
export class BulkImportTelesalesLeadsDto {
  @ImportRows(CreateTelesalesLeadDto)
  leads!: unknown[];
}

export class UpdateTelesalesLeadDto {
  @ApiPropertyOptional({ example: 'Nguyễn Văn An' })
  @ValidateIf((o: UpdateTelesalesLeadDto) => o.full_name !== undefined)
  @IsText(200, 1)
  full_name?: string;

  @ApiPropertyOptional({ nullable: true, type: String, description: 'null clears it' })
  @OptionalEmail()
  email?: string | null;

  @ApiPropertyOptional({
    description: 'Merged into the lead’s custom fields; a key set to null is removed',
    example: { product: 'Gói Gold', province: null },
  })
  @ValidateIf((o: UpdateTelesalesLeadDto) => o.custom_fields !== undefined)
  @IsSmallJsonObject(50, 16 * 1024)
  custom_fields?: Record<string, unknown>;

  @ApiPropertyOptional({ nullable: true, type: String, example: 'INTERESTED' })
  @IsOptional()
  @Matches(/^[A-Za-z0-9_.-]{1,64}$/, {
    message: 'disposition_code must be 1 to 64 letters, digits, _ . or -',
  })
  disposition_code?: string | null;
}

export class CreateDispositionDto {
  @ApiProperty({ format: 'uuid', example: '6f1c2b0e-4d1a-4c8e-9a57-3e2f8b1d7c40' })
  @IsUUID('all', { message: 'call_uuid must be a UUID' })
  call_uuid!: string;

  @ApiProperty({ example: '1001' })
  @Matches(/^[0-9A-Za-z_.-]{1,32}$/, { message: 'agent_extension must be 1 to 32 characters' })
  agent_extension!: string;

  @ApiProperty({ example: 'INTERESTED' })
  @Matches(/^[A-Za-z0-9_.-]{1,64}$/, {
    message: 'disposition_code must be 1 to 64 letters, digits, _ . or -',
  })
  disposition_code!: string;

  @ApiPropertyOptional({ example: 'Customer asked for a quote by email', maxLength: 2000 })
  @IsOptional()
  @IsText(2000)
  note?: string | null;

  @ApiPropertyOptional({ format: 'date-time', example: '2026-06-30T02:00:00Z' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'callback_at must be an ISO 8601 date-time' })
  callback_at?: string | null;
}

export class TelesalesLeadView {
  @ApiProperty({ example: 4821 }) id!: number;
  @ApiProperty({ example: 17 }) campaign_id!: number;
  @ApiProperty({ example: 'Nguyễn Văn An' }) full_name!: string;
  @ApiProperty({ example: '84912345678' }) phone!: string;
  @ApiProperty({ nullable: true, type: String }) email!: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true }) custom_fields!: object;
  @ApiProperty({ enum: ['new', 'contacted', 'callback'] }) status!: string;
  @ApiProperty({ nullable: true, type: String }) disposition_code!: string | null;
  @ApiProperty({ format: 'date-time' }) created_at!: string;
  @ApiProperty({ format: 'date-time' }) updated_at!: string;
}

export class TelesalesLeadResponse extends DataOf(TelesalesLeadView) {}
export class TelesalesLeadListResponse extends PageOf(TelesalesLeadView) {}

export class ImportRowError {
  @ApiProperty({ description: 'Index of the row in `leads`', example: 3 }) index!: number;
  @ApiFieldErrors({ phone: ['phone must be a phone number'] })
  errors!: Record<string, string[]>;
}

export class ImportResult {
  @ApiProperty({ description: 'Leads created', example: 4980 }) created!: number;
  @ApiProperty({
    description: 'Rows skipped: phone already in the campaign or repeated in the import',
    example: 15,
  })
  duplicates!: number;
  @ApiProperty({ type: [ImportRowError] }) invalid!: ImportRowError[];
}

export class ImportResponse extends DataOf(ImportResult) {}

export class DispositionView {
  @ApiProperty({ format: 'uuid' }) call_uuid!: string;
  @ApiProperty() lead_id!: number;
  @ApiProperty() campaign_id!: number;
  @ApiProperty() agent_extension!: string;
  @ApiProperty() disposition_code!: string;
  @ApiProperty({ nullable: true, type: String }) note!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) callback_at!: string | null;
  @ApiProperty({ format: 'date-time' }) disposed_at!: string;
}

export class DispositionWithLeadView extends DispositionView {
  @ApiProperty({ type: TelesalesLeadView, description: 'The lead after the disposition' })
  lead!: TelesalesLeadView;
}

export class DispositionResponse extends DataOf(DispositionWithLeadView) {}
