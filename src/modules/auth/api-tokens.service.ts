import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { createHash, timingSafeEqual } from 'node:crypto';
import { IsNull, Repository } from 'typeorm';
import { Actor } from '../../common/actor';
import { NotFound } from '../../common/errors';
import { normaliseIp, parseStrictCidr, parseStrictIp } from '../../common/ip';
import { isUuid } from '../../common/uuid.pipe';
import { AuditService } from '../audit/audit.service';
import { CreateApiTokenDto } from './dto/api-token.dto';
import { ApiTokenEntity, presentApiToken } from './entities/api-token.entity';
import { randomAlphanumeric } from '../../common/random';

const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');

/** Whether the client address is in the allowlist; an entry in a legacy form matches nothing. */
export function ipAllowed(ip: string | null, allowlist: string[] | null): boolean {
  if (!allowlist || allowlist.length === 0) return true;
  const parsed = ip ? parseStrictIp(ip) : null;
  if (!parsed) return false;
  const addr = normaliseIp(parsed);
  return allowlist.some((entry) => {
    const cidr = parseStrictCidr(entry);
    if (!cidr) return false;
    const range = normaliseIp(cidr[0]);
    const bits = range === cidr[0] ? cidr[1] : cidr[1] - 96;
    return range.kind() === addr.kind() && bits >= 0 && addr.match(range, bits);
  });
}

@Injectable()
export class ApiTokensService {
  constructor(
    @InjectRepository(ApiTokenEntity) private readonly tokenRepo: Repository<ApiTokenEntity>,
    private readonly audit: AuditService,
  ) {}

  list(): Promise<ApiTokenEntity[]> {
    return this.tokenRepo.find({ order: { createdAt: 'DESC' } });
  }

  async create(
    actor: Actor,
    dto: CreateApiTokenDto,
  ): Promise<{ token: ApiTokenEntity; plain: string }> {
    const secret = randomAlphanumeric(48);
    return this.tokenRepo.manager.transaction(async (tx) => {
      const token = await tx.getRepository(ApiTokenEntity).save(
        tx.create(ApiTokenEntity, {
          name: dto.name.trim(),
          tokenHash: sha256(secret),
          scopes: dto.scopes,
          ipAllowlist: dto.ip_allowlist?.length ? dto.ip_allowlist : null,
          expiresAt: dto.expires_in_days
            ? new Date(Date.now() + dto.expires_in_days * 86_400_000)
            : null,
          createdBy: actor.type === 'user' ? actor.id : null,
        }),
      );
      await this.audit.record(tx, actor, {
        action: 'api_token.created',
        targetType: 'api_token',
        targetId: token.id,
        after: presentApiToken(token),
      });
      return { token, plain: `${token.id}|${secret}` };
    });
  }

  async revoke(actor: Actor, id: string): Promise<void> {
    await this.tokenRepo.manager.transaction(async (tx) => {
      const repo = tx.getRepository(ApiTokenEntity);
      const token = await repo.findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!token) throw new NotFound();
      if (token.revokedAt) return;
      const before = presentApiToken(token);
      token.revokedAt = new Date();
      await repo.save(token);
      await this.audit.record(tx, actor, {
        action: 'api_token.revoked',
        targetType: 'api_token',
        targetId: id,
        before,
        after: presentApiToken(token),
      });
    });
  }

  /** The token for a bearer value when it is valid now and allowed from this IP, else null. */
  async authenticate(bearer: string, ip: string | null): Promise<ApiTokenEntity | null> {
    const sep = bearer.indexOf('|');
    if (sep < 0) return null;
    const id = bearer.slice(0, sep);
    const secret = bearer.slice(sep + 1);
    if (!isUuid(id) || secret.length < 40 || secret.length > 200) return null;
    const token = await this.tokenRepo.findOneBy({ id, revokedAt: IsNull() });
    if (!token) return null;
    const given = Buffer.from(sha256(secret));
    if (!timingSafeEqual(given, Buffer.from(token.tokenHash))) return null;
    if (token.expiresAt && token.expiresAt.getTime() <= Date.now()) return null;
    if (!ipAllowed(ip, token.ipAllowlist)) return null;
    if (!token.lastUsedAt || Date.now() - token.lastUsedAt.getTime() > 30_000) {
      token.lastUsedAt = new Date();
      await this.tokenRepo.update({ id: token.id }, { lastUsedAt: token.lastUsedAt });
    }
    return token;
  }
}
