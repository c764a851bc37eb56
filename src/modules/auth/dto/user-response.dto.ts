import { ApiProperty } from '@nestjs/swagger';
import { ApiDateTime, ApiUuid, DataOf, ListOf } from '../../../admin-openapi';
import type { UserRole } from '../../../platform/http/access.decorators';

export const USER_ROLES: UserRole[] = ['admin', 'auditor'];

/** A console user (`User` in docs/http-api.md). */
export class UserResponse {
  @ApiUuid() id!: string;
  @ApiProperty({ example: 'an.nguyen@zorio.vn' }) email!: string;
  @ApiProperty({ example: 'Nguyễn Văn An' }) name!: string;
  @ApiProperty({ enum: USER_ROLES, enumName: 'Role' }) role!: UserRole;
  @ApiProperty() disabled!: boolean;
  @ApiDateTime() created_at!: string;
}

export class UserEnvelope extends DataOf(UserResponse) {}
export class UserList extends ListOf(UserResponse) {}

export class SessionUser {
  @ApiProperty({ type: () => UserResponse }) user!: UserResponse;
}

/** `{"data": {"user": User}}`: login, me, password change. */
export class SessionEnvelope extends DataOf(SessionUser) {}
