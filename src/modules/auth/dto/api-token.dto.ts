import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Max,
  Min,
  Validate,
  ValidatorConstraint,
  ValidatorConstraintInterface,
} from 'class-validator';
import * as ipaddr from 'ipaddr.js';
import { SCOPES, Scope } from '../auth.decorators';

export function isIpOrCidr(value: unknown): boolean {
  if (typeof value !== 'string' || value.length > 50) return false;
  if (value.includes('/')) {
    try {
      ipaddr.parseCIDR(value);
      return true;
    } catch {
      return false;
    }
  }
  return ipaddr.isValid(value);
}

@ValidatorConstraint({ name: 'ipOrCidr' })
class IpOrCidrList implements ValidatorConstraintInterface {
  validate(list: unknown): boolean {
    return Array.isArray(list) && list.every(isIpOrCidr);
  }
  defaultMessage(): string {
    return 'ip_allowlist entries must be IP addresses or CIDR ranges (e.g. 203.0.113.7, 10.0.0.0/8)';
  }
}

export class CreateApiTokenDto {
  @IsString()
  @Length(1, 100, { message: 'name must be 1 to 100 characters' })
  name!: string;

  @IsArray({ message: 'scopes must be a list' })
  @ArrayMinSize(1, { message: 'scopes must name at least one scope' })
  @ArrayUnique({ message: 'scopes must not repeat' })
  @IsIn(SCOPES, { each: true, message: `scopes must be among ${SCOPES.join(', ')}` })
  scopes!: Scope[];

  @IsOptional()
  @IsArray({ message: 'ip_allowlist must be a list' })
  @ArrayMaxSize(100)
  @Validate(IpOrCidrList)
  ip_allowlist?: string[];

  @IsOptional()
  @IsInt({ message: 'expires_in_days must be an integer between 1 and 3650' })
  @Min(1, { message: 'expires_in_days must be an integer between 1 and 3650' })
  @Max(3650, { message: 'expires_in_days must be an integer between 1 and 3650' })
  expires_in_days?: number;
}
