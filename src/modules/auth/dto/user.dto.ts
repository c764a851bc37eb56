import { IsBoolean, IsEmail, IsIn, IsOptional, IsString, Length, MaxLength } from 'class-validator';
import type { UserRole } from '../../../platform/http/access.decorators';

const ROLES: UserRole[] = ['admin', 'auditor'];

export class CreateUserDto {
  @IsEmail({ require_tld: false }, { message: 'email must be an email address' })
  @MaxLength(254)
  email!: string;

  @IsString()
  @Length(1, 100, { message: 'name must be 1 to 100 characters' })
  name!: string;

  @IsIn(ROLES, { message: 'role must be admin or auditor' })
  role!: UserRole;

  @IsString()
  @Length(12, 200, { message: 'password must be 12 to 200 characters' })
  password!: string;
}

export class UpdateUserDto {
  @IsOptional()
  @IsIn(ROLES, { message: 'role must be admin or auditor' })
  role?: UserRole;

  @IsOptional()
  @IsBoolean({ message: 'disabled must be true or false' })
  disabled?: boolean;

  @IsOptional()
  @IsString()
  @Length(1, 100, { message: 'name must be 1 to 100 characters' })
  name?: string;
}

export class ChangePasswordDto {
  @IsString({ message: 'current_password must be a string' })
  @Length(1, 200, { message: 'current_password must be 1 to 200 characters' })
  current_password!: string;

  @IsString({ message: 'new_password must be a string' })
  @Length(12, 200, { message: 'new_password must be 12 to 200 characters' })
  new_password!: string;
}
