import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/**
 * How long a call leg may stay open (it rang or was answered, and neither its ESL hangup nor its
 * CDR came) before it counts as stale: far beyond any plausible call.
 */
export const STALE_CALL_AFTER_SECONDS = 6 * 3600;
/** How many of the oldest stale legs the admin read lists (the count is always complete). */
export const STALE_CALLS_LISTED = 20;

export interface StaleCall {
  call_uuid: string;
  extension: string;
  status: string;
  ringing_at: string | null;
  first_seen_at: string;
}

export interface StaleCallsSummary {
  count: number;
  older_than_seconds: number;
  oldest: StaleCall[];
}

/**
 * Calls still open long after any plausible end: legs in `pbx_calls` without a hangup, first
 * seen more than STALE_CALL_AFTER_SECONDS ago. A count (metrics, console), never an alarm per
 * call. The partial index `pbx_calls_open_idx` holds only open legs, so this stays cheap.
 */
@Injectable()
export class StaleCallsService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async count(): Promise<number> {
    const rows: { n: number }[] = await this.db.query(
      `SELECT count(*)::int AS n FROM pbx_calls
        WHERE status <> 'ended' AND created_at < now() - make_interval(secs => $1)`,
      [STALE_CALL_AFTER_SECONDS],
    );
    return rows[0].n;
  }

  async summary(): Promise<StaleCallsSummary> {
    const rows: {
      call_uuid: string;
      extension: string;
      status: string;
      ringing_at: Date | null;
      created_at: Date;
    }[] = await this.db.query(
      `SELECT call_uuid, extension, status, ringing_at, created_at FROM pbx_calls
        WHERE status <> 'ended' AND created_at < now() - make_interval(secs => $1)
        ORDER BY created_at, id LIMIT $2`,
      [STALE_CALL_AFTER_SECONDS, STALE_CALLS_LISTED],
    );
    const count = rows.length < STALE_CALLS_LISTED ? rows.length : await this.count();
    return {
      count,
      older_than_seconds: STALE_CALL_AFTER_SECONDS,
      oldest: rows.map((r) => ({
        call_uuid: r.call_uuid,
        extension: r.extension,
        status: r.status,
        ringing_at: r.ringing_at?.toISOString() ?? null,
        first_seen_at: r.created_at.toISOString(),
      })),
    };
  }
}
