import type { ApiTokenResponse } from '../dto/api-token-response.dto';
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { Created } from '../../../database/timestamps';
import type { Scope } from '../../../platform/http/access.decorators';

@Entity('api_tokens')
export class ApiTokenEntity extends Created {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'varchar', length: 100 })
  name!: string;

  /** SHA-256 (hex) of the random part; the token itself is never stored. */
  @Column({ name: 'token_hash', type: 'char', length: 64 })
  tokenHash!: string;

  @Column({ type: 'text', array: true })
  scopes!: Scope[];

  @Column({ name: 'ip_allowlist', type: 'text', array: true, nullable: true })
  ipAllowlist!: string[] | null;

  @Column({ name: 'expires_at', type: 'timestamptz', nullable: true })
  expiresAt!: Date | null;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;

  @Column({ name: 'last_used_at', type: 'timestamptz', nullable: true })
  lastUsedAt!: Date | null;

  @Column({ name: 'created_by', type: 'uuid', nullable: true })
  createdBy!: string | null;
}

export function presentApiToken(t: ApiTokenEntity): ApiTokenResponse {
  return {
    id: t.id,
    name: t.name,
    scopes: t.scopes,
    ip_allowlist: t.ipAllowlist,
    expires_at: t.expiresAt?.toISOString() ?? null,
    revoked_at: t.revokedAt?.toISOString() ?? null,
    last_used_at: t.lastUsedAt?.toISOString() ?? null,
    created_at: t.createdAt.toISOString(),
  };
}
