import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { IntBetween, OptionalDateTime, toDate } from './fields';

/** Shared query fields of cursor lists: from/to as ISO 8601, limit ≤ 200, an opaque cursor. */
export class CursorQuery {
  @ApiPropertyOptional({ type: String, format: 'date-time' })
  @OptionalDateTime()
  from?: Date;

  @ApiPropertyOptional({ type: String, format: 'date-time' })
  @OptionalDateTime()
  to?: Date;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IntBetween(1, 200)
  limit?: number;

  @ApiPropertyOptional({ maxLength: 200, description: '`next_cursor` of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;
}

export class PageQuery {
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'page must be a positive integer' })
  @Min(1, { message: 'page must be a positive integer' })
  @Max(1_000_000)
  page?: number;

  @IsOptional()
  @Type(() => Number)
  @IntBetween(1, 200)
  per_page?: number;
}

export { toDate };
