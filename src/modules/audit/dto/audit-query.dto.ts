import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { CursorQuery } from '../../../common/query-dto';

export class AuditQueryDto extends CursorQuery {
  @ApiPropertyOptional({ maxLength: 100 })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  actor_id?: string;

  @ApiPropertyOptional({ example: 'webhook.created' })
  @IsOptional()
  @Matches(/^[a-z_]+\.[a-z_]+$/, { message: 'action must look like webhook.created' })
  action?: string;

  @ApiPropertyOptional({ example: 'webhook' })
  @IsOptional()
  @Matches(/^[a-z_]{1,64}$/, { message: 'target_type must be a lowercase name' })
  target_type?: string;

  @ApiPropertyOptional({ maxLength: 100 })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  target_id?: string;
}
