import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsEmail, IsIn, IsOptional, IsString, Length, MaxLength } from 'class-validator';
import type { UserRole } from '../../../platform/http/access.decorators';

import { USER_ROLES as ROLES } from './user-response.dto';

const ROLE = { enum: ROLES, enumName: 'Role' };

export class CreateUserDto {
  @ApiProperty({ maxLength: 254, example: 'an.nguyen@zorio.vn' })
  @IsEmail({ require_tld: false }, { message: 'email must be an email address' })
  @MaxLength(254)
  email!: string;

  @ApiProperty({ minLength: 1, maxLength: 100 })
  @IsString()
  @Length(1, 100, { message: 'name must be 1 to 100 characters' })
  name!: string;

  @ApiProperty(ROLE)
  @IsIn(ROLES, { message: 'role must be admin or auditor' })
  role!: UserRole;

  @ApiProperty({ minLength: 12, maxLength: 200, format: 'password' })
  @IsString()
  @Length(12, 200, { message: 'password must be 12 to 200 characters' })
  password!: string;
}

export class UpdateUserDto {
  @ApiPropertyOptional(ROLE)
  @IsOptional()
  @IsIn(ROLES, { message: 'role must be admin or auditor' })
  role?: UserRole;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean({ message: 'disabled must be true or false' })
  disabled?: boolean;

  @ApiPropertyOptional({ minLength: 1, maxLength: 100 })
  @IsOptional()
  @IsString()
  @Length(1, 100, { message: 'name must be 1 to 100 characters' })
  name?: string;
}

export class ChangePasswordDto {
  @ApiProperty({ minLength: 1, maxLength: 200, format: 'password' })
  @IsString({ message: 'current_password must be a string' })
  @Length(1, 200, { message: 'current_password must be 1 to 200 characters' })
  current_password!: string;

  @ApiProperty({ minLength: 12, maxLength: 200, format: 'password' })
  @IsString({ message: 'new_password must be a string' })
  @Length(12, 200, { message: 'new_password must be 12 to 200 characters' })
  new_password!: string;
}
