import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { IsText } from '../../../common/fields';
import { DataOf, PageOf } from '../../../openapi';
import { DIALER_MODES, DialerMode } from '../entities/telesales-campaign.entity';

export class CreateTelesalesCampaignDto {
  @ApiProperty({ example: 'Khuyến mãi hè 2026', minLength: 1, maxLength: 200 })
  @IsText(200, 1)
  name!: string;

  @ApiProperty({ enum: DIALER_MODES, example: 'progressive' })
  @IsIn(DIALER_MODES, { message: `dialer_mode must be one of ${DIALER_MODES.join(', ')}` })
  dialer_mode!: DialerMode;

  @ApiPropertyOptional({ example: 'Summer upsell to existing customers', maxLength: 2000 })
  @IsOptional()
  @IsText(2000)
  description?: string;
}

export class TelesalesCampaignView {
  @ApiProperty({ example: 17 }) id!: number;
  @ApiProperty({ example: 'Khuyến mãi hè 2026' }) name!: string;
  @ApiProperty({ enum: DIALER_MODES }) dialer_mode!: string;
  @ApiProperty({ nullable: true, type: String }) description!: string | null;
  @ApiProperty({ enum: ['active', 'completed'] }) status!: string;
  @ApiProperty({ example: 1200 }) total_leads!: number;
  @ApiProperty({ description: 'Leads with at least one disposition', example: 310 })
  dialed_leads!: number;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) completed_at!: string | null;
  @ApiProperty({ format: 'date-time' }) created_at!: string;
  @ApiProperty({ format: 'date-time' }) updated_at!: string;
}

export class TelesalesCampaignResponse extends DataOf(TelesalesCampaignView) {}
export class TelesalesCampaignListResponse extends PageOf(TelesalesCampaignView) {}
