import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { CursorQuery } from '../../../common/query-dto';

export class AuditQueryDto extends CursorQuery {
  @IsOptional()
  @IsString()
  @MaxLength(100)
  actor_id?: string;

  @IsOptional()
  @Matches(/^[a-z_]+\.[a-z_]+$/, { message: 'action must look like webhook.created' })
  action?: string;

  @IsOptional()
  @Matches(/^[a-z_]{1,64}$/, { message: 'target_type must be a lowercase name' })
  target_type?: string;

  @IsOptional()
  @IsString()
  @MaxLength(100)
  target_id?: string;
}
