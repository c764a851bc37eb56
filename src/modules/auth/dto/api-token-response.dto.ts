import { ApiProperty } from '@nestjs/swagger';
import { ApiDateTime, ApiUuid, ListOf } from '../../../admin-openapi';
import { SCOPES, type Scope } from '../../../platform/http/access.decorators';

/** A machine token as the console lists it (never its secret part). */
export class ApiTokenResponse {
  @ApiUuid() id!: string;
  @ApiProperty({ example: 'FreeSWITCH CDR' }) name!: string;
  @ApiProperty({ enum: SCOPES, enumName: 'Scope', isArray: true }) scopes!: Scope[];
  @ApiProperty({
    type: String,
    isArray: true,
    nullable: true,
    description: 'Addresses or CIDR ranges the token may be used from; null: anywhere',
    example: ['203.0.113.7', '10.0.0.0/8'],
  })
  ip_allowlist!: string[] | null;
  @ApiDateTime(true) expires_at!: string | null;
  @ApiDateTime(true) revoked_at!: string | null;
  @ApiDateTime(true) last_used_at!: string | null;
  @ApiDateTime() created_at!: string;
}

export class ApiTokenList extends ListOf(ApiTokenResponse) {}

/** The created token, and its full value: the only time it is shown. */
export class ApiTokenCreated {
  @ApiProperty({ type: () => ApiTokenResponse }) data!: ApiTokenResponse;
  @ApiProperty({ description: '`<id>|<random>`, shown once', example: '9b1d…|Xq3…' })
  token!: string;
}
