import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { createHash } from 'node:crypto';
import { EntityManager, Repository } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import type { Actor } from '../../common/actor';
import { canonicalJson, redact } from '../../common/redact';
import type { AuditEntryResponse, AuditVerifyResult } from './dto/audit-response.dto';
import { AuditChanges, AuditEntry } from './entities/audit-entry.entity';

const AUDIT_CHAIN_LOCK = 7_311_002;
const GENESIS = '0'.repeat(64);

export interface AuditRecord {
  action: string;
  targetType?: string | null;
  targetId?: string | null;
  before?: object | null;
  after?: object | null;
}

export interface AuditFilters {
  actor_id?: string;
  action?: string;
  target_type?: string;
  target_id?: string;
  from?: Date;
  to?: Date;
}

export function entryHash(e: Omit<AuditEntry, 'hash'>): string {
  const material = canonicalJson([
    e.id,
    e.occurredAt.toISOString(),
    e.actorType,
    e.actorId,
    e.actorName,
    e.action,
    e.targetType,
    e.targetId,
    e.ip,
    e.userAgent,
    e.changes,
    e.prevHash,
  ]);
  return createHash('sha256').update(material).digest('hex');
}

export function presentAuditEntry(e: AuditEntry): AuditEntryResponse {
  return {
    id: e.id,
    occurred_at: e.occurredAt.toISOString(),
    actor_type: e.actorType,
    actor_id: e.actorId,
    actor_name: e.actorName,
    action: e.action,
    target_type: e.targetType,
    target_id: e.targetId,
    ip: e.ip,
    user_agent: e.userAgent,
    changes: e.changes,
    hash: e.hash,
  };
}

@Injectable()
export class AuditService {
  constructor(@InjectRepository(AuditEntry) private readonly entryRepo: Repository<AuditEntry>) {}

  /**
   * Appends one entry in the caller's transaction (so it commits or rolls back with the change it
   * records). Secrets are stripped from before/after. Entries are chained: each hash covers the
   * previous entry's hash, serialised by a transaction-scoped advisory lock.
   */
  async record(manager: EntityManager, actor: Actor, rec: AuditRecord): Promise<AuditEntry> {
    if (!manager.queryRunner?.isTransactionActive) {
      return this.entryRepo.manager.transaction((tx) => this.record(tx, actor, rec));
    }
    await manager.query('SELECT pg_advisory_xact_lock($1)', [AUDIT_CHAIN_LOCK]);
    const rows: { id: string; prev: string | null }[] = await manager.query(
      `SELECT nextval('audit_log_id_seq')::text AS id,
              (SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1) AS prev`,
    );
    const changes: AuditChanges | null =
      rec.before !== undefined || rec.after !== undefined
        ? {
            // Presenters' results: JSON objects (a DTO class is not a Record to the compiler).
            before: redact(rec.before ?? null) as AuditChanges['before'],
            after: redact(rec.after ?? null) as AuditChanges['after'],
          }
        : null;
    const entry = manager.create(AuditEntry, {
      id: rows[0].id,
      occurredAt: new Date(),
      actorType: actor.type,
      actorId: actor.id,
      actorName: actor.name,
      action: rec.action,
      targetType: rec.targetType ?? null,
      targetId: rec.targetId ?? null,
      ip: actor.ip,
      userAgent: actor.userAgent,
      changes,
      prevHash: rows[0].prev ?? GENESIS,
    });
    entry.hash = entryHash(entry);
    await manager.insert(AuditEntry, entry as QueryDeepPartialEntity<AuditEntry>);
    return entry;
  }

  /** Newest first, keyset by id. */
  async list(
    filters: AuditFilters,
    limit: number,
    beforeId?: string,
  ): Promise<{ entries: AuditEntry[]; nextCursor: string | null }> {
    const qb = this.filtered(filters)
      .orderBy('a.id', 'DESC')
      .limit(limit + 1);
    if (beforeId) qb.andWhere('a.id < :beforeId', { beforeId });
    const rows = await qb.getMany();
    const more = rows.length > limit;
    const entries = more ? rows.slice(0, limit) : rows;
    return { entries, nextCursor: more ? entries[entries.length - 1].id : null };
  }

  /** Every matching entry, newest first, fetched in pages so memory stays flat. */
  async *stream(filters: AuditFilters, pageSize = 500): AsyncGenerator<AuditEntry> {
    let beforeId: string | undefined;
    for (;;) {
      const { entries, nextCursor } = await this.list(filters, pageSize, beforeId);
      yield* entries;
      if (!nextCursor) return;
      beforeId = nextCursor;
    }
  }

  /** Recomputes the chain from the first entry; reports the first entry that does not match. */
  async verify(): Promise<AuditVerifyResult> {
    let prev = GENESIS;
    let afterId = '0';
    let checked = 0;
    for (;;) {
      const page = await this.entryRepo
        .createQueryBuilder('a')
        .where('a.id > :afterId', { afterId })
        .orderBy('a.id', 'ASC')
        .limit(1000)
        .getMany();
      for (const e of page) {
        checked++;
        if (e.prevHash !== prev || entryHash(e) !== e.hash) {
          return { ok: false, checked, first_broken_id: e.id };
        }
        prev = e.hash;
      }
      if (page.length < 1000) return { ok: true, checked, first_broken_id: null };
      afterId = page[page.length - 1].id;
    }
  }

  private filtered(f: AuditFilters) {
    const qb = this.entryRepo.createQueryBuilder('a');
    if (f.actor_id) qb.andWhere('a.actor_id = :actorId', { actorId: f.actor_id });
    if (f.action) qb.andWhere('a.action = :action', { action: f.action });
    if (f.target_type) qb.andWhere('a.target_type = :targetType', { targetType: f.target_type });
    if (f.target_id) qb.andWhere('a.target_id = :targetId', { targetId: f.target_id });
    if (f.from) qb.andWhere('a.occurred_at >= :from', { from: f.from });
    if (f.to) qb.andWhere('a.occurred_at < :to', { to: f.to });
    return qb;
  }
}
