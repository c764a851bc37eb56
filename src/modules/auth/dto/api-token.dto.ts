import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsOptional,
  IsString,
  Length,
  Validate,
  ValidatorConstraint,
  ValidatorConstraintInterface,
} from 'class-validator';
import { IntBetween } from '../../../common/fields';
import { parseStrictCidr } from '../../../common/ip';
import { SCOPES, Scope } from '../../../platform/http/access.decorators';

/** An address or CIDR range in standard form; legacy forms (`010.0.0.1`) are refused. */
export function isIpOrCidr(value: unknown): boolean {
  return typeof value === 'string' && value.length <= 50 && parseStrictCidr(value) !== null;
}

@ValidatorConstraint({ name: 'ipOrCidr' })
class IpOrCidrList implements ValidatorConstraintInterface {
  validate(list: unknown): boolean {
    return Array.isArray(list) && list.every(isIpOrCidr);
  }
  defaultMessage(): string {
    return 'ip_allowlist entries must be IP addresses or CIDR ranges in standard form (e.g. 203.0.113.7, 10.0.0.0/8, 2001:db8::/32; no leading zeros)';
  }
}

export class CreateApiTokenDto {
  @ApiProperty({ minLength: 1, maxLength: 100, example: 'FreeSWITCH CDR' })
  @IsString()
  @Length(1, 100, { message: 'name must be 1 to 100 characters' })
  name!: string;

  @ApiProperty({ enum: SCOPES, enumName: 'Scope', isArray: true, minItems: 1 })
  @IsArray({ message: 'scopes must be a list' })
  @ArrayMinSize(1, { message: 'scopes must name at least one scope' })
  @ArrayUnique({ message: 'scopes must not repeat' })
  @IsIn(SCOPES, { each: true, message: `scopes must be among ${SCOPES.join(', ')}` })
  scopes!: Scope[];

  @ApiPropertyOptional({
    type: String,
    isArray: true,
    maxItems: 100,
    description: 'IP addresses or CIDR ranges; absent: anywhere',
  })
  @IsOptional()
  @IsArray({ message: 'ip_allowlist must be a list' })
  @ArrayMaxSize(100)
  @Validate(IpOrCidrList)
  ip_allowlist?: string[];

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 3650 })
  @IsOptional()
  @IntBetween(1, 3650)
  expires_in_days?: number;
}
