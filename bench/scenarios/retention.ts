/**
 * (e)'s retention check on day-partitioned history: `DeliveryPartitions.dropExpired` run as if
 * one and then two days had passed (dropping the oldest day, then the next, full one) while a
 * writer keeps inserting a delivery and its attempt per transaction into today's partition, as
 * fan-out and recording do. Reported: how long each drop took, the rows it removed, and the
 * writer's longest transaction during the drop against its usual one.
 */
import { performance } from 'node:perf_hooks';
import { Pool } from 'pg';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../../src/config/app-config';
import { DeliveryPartitions } from '../../src/modules/deliveries/partitions';
import { Env, check, log, sleep } from '../lib/harness';
import { round, summarize } from '../lib/stats';

const DAY_MS = 86_400_000;
/** The platform's default retention, which the bench runs with. */
const RETENTION_DAYS = 30;

/** Inserts a delivery and its attempt per transaction until stopped; each one timed. */
class Writer {
  private stopped = false;
  private readonly times: { at: number; ms: number }[] = [];
  private running: Promise<void> | null = null;

  constructor(
    private readonly pool: Pool,
    private readonly webhookId: string,
  ) {}

  start(): void {
    this.running = this.loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.running;
  }

  /** The writer's transactions that started in [from, to] (performance.now() instants). */
  between(from: number, to: number): number[] {
    return this.times.filter((t) => t.at >= from && t.at <= to).map((t) => t.ms);
  }

  private async loop(): Promise<void> {
    const c = await this.pool.connect();
    try {
      for (let n = 0; !this.stopped; n++) {
        const at = performance.now();
        await c.query('BEGIN');
        const r = await c.query<{ id: string; created_at: Date }>(
          `INSERT INTO deliveries (id, webhook_id, webhook_name, url, event, body, status,
                                   attempt_count, created_at, updated_at)
           SELECT gen_random_uuid(), w.id, w.display_name, w.url, 'pbx.call.hangup', '{}',
                  'succeeded', 1, now(), now()
             FROM webhooks w WHERE w.id = $1
           RETURNING id, created_at`,
          [this.webhookId],
        );
        await c.query(
          `INSERT INTO delivery_attempts (delivery_id, number, trigger, started_at, duration_ms,
                                          request_headers, response_status, delivery_created_at)
           VALUES ($1, 1, 'auto', now(), 20, '{}', 200, $2)`,
          [r.rows[0].id, r.rows[0].created_at],
        );
        await c.query('COMMIT');
        this.times.push({ at, ms: performance.now() - at });
      }
    } finally {
      c.release();
    }
  }
}

async function partitioned(env: Env): Promise<boolean> {
  const r = await env.pg.query(
    `SELECT 1 FROM pg_partitioned_table p JOIN pg_class c ON c.oid = p.partrelid
      WHERE c.relname = 'deliveries' AND c.relnamespace = current_schema()::regnamespace`,
  );
  return r.rowCount === 1;
}

async function rowsOfDay(env: Env, day: Date): Promise<number> {
  const r = await env.pg.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM deliveries WHERE created_at >= $1 AND created_at < $2`,
    [day, new Date(day.getTime() + DAY_MS)],
  );
  return r.rows[0].n;
}

/** Drops what is expired `daysLater` days from now, timed, with the writer's stalls meanwhile. */
async function timedDrop(
  env: Env,
  partitions: DeliveryPartitions,
  writer: Writer,
  daysLater: number,
) {
  const later = new Date(Date.now() + daysLater * DAY_MS);
  const day = new Date(partitions.oldestKept(later).getTime() - DAY_MS);
  const rows = await rowsOfDay(env, day);
  await sleep(500);
  const t0 = performance.now();
  const r = await partitions.dropExpired(later);
  const t1 = performance.now();
  await sleep(500);
  const during = writer.between(t0, t1);
  const ms = t1 - t0;
  const maxStall = Math.max(0, ...during);
  log(
    `e: retention of ${r.dropped.join(', ') || 'nothing'} (${rows} deliveries) in ${ms.toFixed(0)} ms; ` +
      `writer: ${during.length} transactions meanwhile, longest ${maxStall.toFixed(1)} ms`,
  );
  return {
    day: day.toISOString().slice(0, 10),
    dropped: r.dropped,
    kept: r.kept,
    deliveries: rows,
    ms: round(ms, 0),
    writerDuring: during.length,
    writerMaxStallMs: round(maxStall, 1),
  };
}

/** The retention check; "not supported" before the history is partitioned by day. */
export async function retentionOfADay(
  env: Env,
  webhookId: string,
): Promise<Record<string, unknown>> {
  if (!(await partitioned(env))) {
    log('e: retention by partition: not supported (deliveries is not partitioned)');
    return { supported: false, reason: 'deliveries is not partitioned' };
  }
  const db = new DataSource({
    type: 'postgres',
    url: env.databaseUrl,
    entities: [],
    extra: { max: 2, application_name: 'zorio-bench-retention' },
  });
  await db.initialize();
  const pool = new Pool({ connectionString: env.databaseUrl, max: 1 });
  const writer = new Writer(pool, webhookId);
  try {
    // The one setting dropExpired reads.
    const config = { DELIVERY_RETENTION_DAYS: RETENTION_DAYS } as AppConfig;
    const partitions = new DeliveryPartitions(db, config);
    writer.start();
    // As if one day had passed (the oldest, partly filled day), then two (a full day).
    const drops = [
      await timedDrop(env, partitions, writer, 1),
      await timedDrop(env, partitions, writer, 2),
    ];
    await writer.stop();
    const usual = summarize(writer.between(0, Infinity));
    for (const d of drops) {
      check(d.dropped.length > 0, `e: retention dropped nothing for ${d.day}`);
    }
    return { supported: true, drops, writerMs: usual };
  } finally {
    await writer.stop();
    await pool.end();
    await db.destroy();
  }
}
