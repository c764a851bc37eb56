import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  Max,
  Min,
  ValidateIf,
  IsString,
  Length,
  ValidateBy,
} from 'class-validator';
import { EVENT_NAMES } from '../../../events/catalogue';
import { WEBHOOK_ORDERINGS, type WebhookOrdering } from '../entities/webhook.entity';

/** Why a URL is not acceptable as a webhook target, or null when it is. */
export function webhookUrlProblem(value: unknown): string | null {
  if (typeof value !== 'string' || value.length === 0) return 'url must be an HTTPS URL';
  if (value.length > 2048) return 'url must be at most 2048 characters';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'url must be a valid absolute URL';
  }
  if (url.protocol !== 'https:') return 'url must use https';
  if (url.username || url.password) return 'url must not contain a username or password';
  if (!url.hostname) return 'url must name a host';
  if (url.hash) return 'url must not contain a fragment';
  return null;
}

/**
 * A webhook target URL, its message what webhookUrlProblem finds: worked out from the value each
 * time, not kept on the constraint (one instance serves every request).
 */
const IsWebhookUrl = (): PropertyDecorator =>
  ValidateBy({
    name: 'webhookUrl',
    validator: {
      validate: (value) => webhookUrlProblem(value) === null,
      defaultMessage: (args) => webhookUrlProblem(args?.value) ?? 'url is invalid',
    },
  });

const EVENTS = {
  type: String,
  isArray: true,
  minItems: 1,
  uniqueItems: true,
  description: 'Catalogue event names',
  example: ['pbx.call.ended'],
};

const trim = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' ? value.trim() : value;

/** The lane settings a webhook is created or edited with (every field optional). */
class LaneSettingsDto {
  // Absent: the default (create) or unchanged (edit); null is not a value here, so it is refused.
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 64 })
  @ValidateIf((o: LaneSettingsDto) => o.max_in_flight !== undefined)
  @IsInt({ message: 'max_in_flight must be a whole number from 1 to 64' })
  @Min(1, { message: 'max_in_flight must be a whole number from 1 to 64' })
  @Max(64, { message: 'max_in_flight must be a whole number from 1 to 64' })
  max_in_flight?: number;

  /** null: no limit. */
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 10_000, nullable: true })
  @ValidateIf((o: LaneSettingsDto) => o.rate_limit_per_second != null)
  @IsInt({ message: 'rate_limit_per_second must be null or a whole number from 1 to 10000' })
  @Min(1, { message: 'rate_limit_per_second must be null or a whole number from 1 to 10000' })
  @Max(10_000, { message: 'rate_limit_per_second must be null or a whole number from 1 to 10000' })
  rate_limit_per_second?: number | null;

  @ApiPropertyOptional({ enum: WEBHOOK_ORDERINGS, enumName: 'WebhookOrdering' })
  @ValidateIf((o: LaneSettingsDto) => o.ordering !== undefined)
  @IsIn(WEBHOOK_ORDERINGS, { message: `ordering must be one of ${WEBHOOK_ORDERINGS.join(', ')}` })
  ordering?: WebhookOrdering;
}

export class CreateWebhookDto extends LaneSettingsDto {
  @ApiProperty({ minLength: 1, maxLength: 100 })
  @Transform(trim)
  @IsString({ message: 'display_name must be a string' })
  @Length(1, 100, { message: 'display_name must be 1 to 100 characters' })
  display_name!: string;

  @ApiProperty({ maxLength: 2048, description: 'https, no userinfo or fragment' })
  @Transform(trim)
  @IsWebhookUrl()
  url!: string;

  @ApiProperty(EVENTS)
  @IsArray({ message: 'events must be a list of event names' })
  @ArrayMinSize(1, { message: 'events must name at least one event' })
  @ArrayMaxSize(EVENT_NAMES.length)
  @ArrayUnique({ message: 'events must not contain duplicates' })
  @IsIn(EVENT_NAMES, { each: true, message: 'events must contain only catalogue event names' })
  events!: string[];
}

export class UpdateWebhookDto extends LaneSettingsDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 100 })
  @IsOptional()
  @Transform(trim)
  @IsString({ message: 'display_name must be a string' })
  @Length(1, 100, { message: 'display_name must be 1 to 100 characters' })
  display_name?: string;

  @ApiPropertyOptional({ maxLength: 2048, description: 'https, no userinfo or fragment' })
  @IsOptional()
  @Transform(trim)
  @IsWebhookUrl()
  url?: string;

  @ApiPropertyOptional(EVENTS)
  @IsOptional()
  @IsArray({ message: 'events must be a list of event names' })
  @ArrayMinSize(1, { message: 'events must name at least one event' })
  @ArrayMaxSize(EVENT_NAMES.length)
  @ArrayUnique({ message: 'events must not contain duplicates' })
  @IsIn(EVENT_NAMES, { each: true, message: 'events must contain only catalogue event names' })
  events?: string[];
}
