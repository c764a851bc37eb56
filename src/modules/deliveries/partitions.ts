import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../config/app-config';

const DAY_MS = 86_400_000;
/** Days after today that always have their partitions (a missed week of jobs still writes). */
export const PARTITION_DAYS_AHEAD = 7;
/** Serialises partition creation across processes (transaction-scoped: PgBouncer-safe). */
const ENSURE_LOCK = 7_311_060;
/** The partitioned tables, each partitioned by day on the timestamp named. */
const TABLES = ['deliveries', 'delivery_attempts'] as const;
const NAME = /^(deliveries|delivery_attempts)_p(\d{8})$/;

/** A day that retention left in place. */
export interface KeptDay {
  day: string;
  /** Deliveries still pending or retrying in it. */
  open: number;
}

/** The UTC day a time falls in, as its first instant. */
export function utcDay(at: Date): Date {
  return new Date(Math.floor(at.getTime() / DAY_MS) * DAY_MS);
}

function suffix(day: Date): string {
  return day.toISOString().slice(0, 10).replace(/-/g, '');
}

function dayOf(name: string): string {
  const digits = NAME.exec(name)?.[2] ?? '';
  return `${digits.slice(0, 4)}-${digits.slice(4, 6)}-${digits.slice(6, 8)}`;
}

/** The bound of a day's partition. */
function bound(day: Date): string {
  const to = new Date(day.getTime() + DAY_MS);
  return `FOR VALUES FROM ('${day.toISOString()}') TO ('${to.toISOString()}')`;
}

/**
 * The day partitions of `deliveries` (by created_at) and `delivery_attempts` (by the created_at of
 * their delivery), named `<table>_pYYYYMMDD` (UTC days), with no DEFAULT partition
 * (docs/architecture.md, "Delivery history partitions").
 *
 * Every day from the oldest kept one (today − DELIVERY_RETENTION_DAYS) to PARTITION_DAYS_AHEAD
 * after today has its partitions: made on start and by the maintenance job. Retention detaches
 * (CONCURRENTLY, so writers are not blocked) and drops the days before the oldest kept one,
 * except a day that still holds open deliveries (pending or retrying, e.g. held for a paused
 * webhook): it stays, is reported, and goes at a later run once they are finished.
 */
@Injectable()
export class DeliveryPartitions implements OnApplicationBootstrap {
  private readonly logger = new Logger('Partitions');

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { created } = await this.ensureAhead();
    if (created.length) this.logger.log(`Created ${created.length} delivery partitions`);
  }

  /** The first instant of the oldest day retention keeps at `now`. */
  oldestKept(now = new Date()): Date {
    return new Date(utcDay(now).getTime() - this.config.DELIVERY_RETENTION_DAYS * DAY_MS);
  }

  /** Makes the missing partitions of every kept day and the days ahead; returns their names. */
  async ensureAhead(now = new Date()): Promise<{ created: string[] }> {
    const last = new Date(utcDay(now).getTime() + PARTITION_DAYS_AHEAD * DAY_MS);
    return this.ensure(this.oldestKept(now), last);
  }

  /**
   * Makes the missing partitions of the days `from` to `to` (both included), in one transaction
   * under an advisory lock, so processes starting together make each one once. A partition is
   * made as a table and attached (SHARE UPDATE EXCLUSIVE on the parent: reads and writes go on).
   */
  async ensure(from: Date, to: Date): Promise<{ created: string[] }> {
    return this.db.transaction(async (tx) => {
      await tx.query(`SELECT pg_advisory_xact_lock($1)`, [ENSURE_LOCK]);
      // Never queue for long behind DDL on the parents (the next run makes what this one missed).
      await tx.query(`SET LOCAL lock_timeout = '10s'`);
      const existing = new Set(await this.partitionNames(tx.query.bind(tx)));
      const created: string[] = [];
      for (let t = utcDay(from).getTime(); t <= to.getTime(); t += DAY_MS) {
        for (const table of TABLES) {
          const name = `${table}_p${suffix(new Date(t))}`;
          if (existing.has(name)) continue;
          await tx.query(`CREATE TABLE "${name}" (LIKE "${table}" INCLUDING DEFAULTS)`);
          await tx.query(`ALTER TABLE "${table}" ATTACH PARTITION "${name}" ${bound(new Date(t))}`);
          created.push(name);
        }
      }
      return { created };
    });
  }

  /**
   * Detaches and drops the partitions of both tables for every day before the oldest kept one,
   * each statement on its own (DETACH … CONCURRENTLY cannot run in a transaction). A day with
   * open deliveries is kept (see the class). Returns the days dropped and the days kept.
   */
  async dropExpired(now = new Date()): Promise<{ dropped: string[]; kept: KeptDay[] }> {
    await this.repairInterrupted();
    const cutoff = suffix(this.oldestKept(now));
    const expired = (await this.partitionNames((sql, p) => this.db.query(sql, p)))
      .filter((n) => n.startsWith('deliveries_p') && n.slice('deliveries_p'.length) < cutoff)
      .sort();
    const dropped: string[] = [];
    const kept: KeptDay[] = [];
    for (const name of expired) {
      const day = dayOf(name);
      const open = await this.dropDay(day, name.slice('deliveries_p'.length));
      if (open === 0) dropped.push(day);
      else kept.push({ day, open });
    }
    if (kept.length) {
      this.logger.warn(
        `Delivery history kept past retention while deliveries are open: ${kept
          .map((k) => `${k.day} (${k.open} open)`)
          .join(', ')}`,
      );
    }
    return { dropped, kept };
  }

  /**
   * Drops one day (deliveries partition and attempts partition) unless it holds open
   * deliveries; returns their number (0: dropped). The count is taken again once the partition is
   * detached, so a delivery replayed in between is not lost: the day is attached back.
   */
  private async dropDay(day: string, digits: string): Promise<number> {
    const deliveries = `deliveries_p${digits}`;
    const attempts = `delivery_attempts_p${digits}`;
    const before = await this.openIn(deliveries);
    if (before > 0) return before;
    await this.db.query(`ALTER TABLE deliveries DETACH PARTITION "${deliveries}" CONCURRENTLY`);
    const after = await this.openIn(deliveries);
    if (after > 0) {
      const at = new Date(`${day}T00:00:00Z`);
      await this.db.query(`ALTER TABLE deliveries ATTACH PARTITION "${deliveries}" ${bound(at)}`);
      return after;
    }
    if (await this.isPartition(attempts)) {
      await this.db.query(
        `ALTER TABLE delivery_attempts DETACH PARTITION "${attempts}" CONCURRENTLY`,
      );
    }
    await this.db.query(`DROP TABLE IF EXISTS "${attempts}"`);
    await this.db.query(`DROP TABLE "${deliveries}"`);
    return 0;
  }

  private async openIn(table: string): Promise<number> {
    const rows: { n: number }[] = await this.db.query(
      `SELECT count(*)::int AS n FROM "${table}" WHERE status IN ('pending', 'retrying')`,
    );
    return rows[0].n;
  }

  private async isPartition(name: string): Promise<boolean> {
    const rows: unknown[] = await this.db.query(
      `SELECT 1 FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE c.relname = $1`,
      [name],
    );
    return rows.length > 0;
  }

  /**
   * A drop that was interrupted (a crash, a cancelled statement) left a DETACH … CONCURRENTLY
   * pending, or a day detached but not dropped: the detach is finished and the day attached back,
   * so this run decides about it like about any other day.
   */
  private async repairInterrupted(): Promise<void> {
    const pending: { parent: string; child: string }[] = await this.db.query(
      `SELECT p.relname AS parent, c.relname AS child
         FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
        WHERE i.inhdetachpending AND p.relname = ANY($1::text[])`,
      [TABLES],
    );
    for (const r of pending) {
      await this.db.query(`ALTER TABLE "${r.parent}" DETACH PARTITION "${r.child}" FINALIZE`);
    }
    const strays: { name: string }[] = await this.db.query(
      `SELECT c.relname AS name FROM pg_class c
        WHERE c.relkind = 'r' AND NOT c.relispartition
          AND c.relnamespace = current_schema()::regnamespace
          AND c.relname ~ '^(deliveries|delivery_attempts)_p[0-9]{8}$'`,
    );
    for (const { name } of strays) {
      const table = NAME.exec(name)?.[1] ?? '';
      const day = new Date(`${dayOf(name)}T00:00:00Z`);
      await this.db.query(`ALTER TABLE "${table}" ATTACH PARTITION "${name}" ${bound(day)}`);
    }
  }

  /** The names of the partitions of both tables. */
  private async partitionNames(
    query: (sql: string, params: unknown[]) => Promise<{ name: string }[]>,
  ): Promise<string[]> {
    const rows = await query(
      `SELECT c.relname AS name
         FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
        WHERE p.relname = ANY($1::text[]) AND p.relnamespace = current_schema()::regnamespace`,
      [TABLES],
    );
    return rows.map((r) => r.name).filter((n) => NAME.test(n));
  }
}
