import { ApiProperty } from '@nestjs/swagger';
import {
  ApiDateTime,
  ApiJsonObject,
  ApiNullableString,
  CursorPageOf,
  DataOf,
} from '../../../admin-openapi';

const ACTOR_TYPES = ['user', 'api_token', 'system'] as const;

export class AuditChangesResponse {
  @ApiJsonObject(true) before!: Record<string, unknown> | null;
  @ApiJsonObject(true) after!: Record<string, unknown> | null;
}

/** `AuditEntry` in docs/http-api.md; secrets never appear, not even hashed. */
export class AuditEntryResponse {
  @ApiProperty({ description: 'Increasing; also the cursor', example: '1042' }) id!: string;
  @ApiDateTime() occurred_at!: string;
  @ApiProperty({ enum: ACTOR_TYPES, enumName: 'ActorType' })
  actor_type!: (typeof ACTOR_TYPES)[number];
  @ApiNullableString() actor_id!: string | null;
  @ApiNullableString() actor_name!: string | null;
  @ApiProperty({ example: 'webhook.created' }) action!: string;
  @ApiNullableString({ example: 'webhook' }) target_type!: string | null;
  @ApiNullableString() target_id!: string | null;
  @ApiNullableString() ip!: string | null;
  @ApiNullableString() user_agent!: string | null;
  @ApiProperty({ type: () => AuditChangesResponse, nullable: true })
  changes!: AuditChangesResponse | null;
  @ApiProperty({ description: 'SHA-256 (hex) chaining this entry to the previous one' })
  hash!: string;
}

export class AuditEntryPage extends CursorPageOf(AuditEntryResponse) {}

export class AuditVerifyResult {
  @ApiProperty({ description: 'Every entry hash matched the chain' }) ok!: boolean;
  @ApiProperty({ type: 'integer' }) checked!: number;
  @ApiNullableString() first_broken_id!: string | null;
}
export class AuditVerifyEnvelope extends DataOf(AuditVerifyResult) {}
