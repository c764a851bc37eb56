/** What the platform, PostgreSQL and Redis spent per delivery, and samples taken while it ran. */
import Redis from 'ioredis';
import { performance } from 'node:perf_hooks';
import { Pool } from 'pg';
import { request } from 'undici';
import type { Env, Platform } from './harness';
import { type Child, cpuSeconds, machineTicks, pidsOf, rssMb } from './proc';
import { round } from './stats';

export interface Snapshot {
  at: number;
  node: Map<number, number>;
  receiver: number;
  driver: number;
  /** CPU seconds the bench database's backends used since the first snapshot. */
  pg: number;
  redis: number;
  machine: { busy: number; total: number };
  commits: number;
  walLsn: string;
  redisCommands: number;
  updates: number;
  hotUpdates: number;
}

export interface Resources {
  seconds: number;
  /** CPU µs per delivery (or job) of the platform's (or the baseline's) Node processes. */
  nodeUs: number;
  /** CPU µs per delivery of this database's PostgreSQL backends and the WAL writer. */
  pgUs: number;
  /** CPU µs per delivery of the bench receiver and of the load driver (not the platform's). */
  receiverUs: number;
  driverUs: number;
  /** CPU µs per delivery of redis-server (shared with whatever else uses it). */
  redisUs: number;
  /** Transactions committed in the bench database per delivery. */
  commits: number;
  /** Redis commands per delivery (server-wide). */
  redisCommands: number;
  /** Share of the updates of deliveries rows that were HOT (no index entries written), in %. */
  hotUpdatePct: number;
  /** WAL bytes per delivery (cluster-wide). */
  walBytes: number;
  /** How busy the whole machine was (both cores), in %. */
  machineBusyPct: number;
}

export class Accounting {
  /** CPU seconds of every backend of the bench database seen so far: at the start, and last. */
  private readonly backends = new Map<number, { first: number; last: number }>();
  private poller: NodeJS.Timeout | null = null;

  constructor(
    private readonly pg: Pool,
    private readonly redis: Redis,
    private readonly nodePids: () => number[],
    private readonly receiverPid: number,
    private readonly driverPid: number | null = null,
  ) {}

  /**
   * Backends come and go (pools close idle connections, autovacuum workers start and stop), so
   * they are looked at every half second: one that appears later started from 0.
   */
  private async pollBackends(initial: boolean): Promise<void> {
    const rows: { pid: number }[] = (
      await this.pg.query(`SELECT pid FROM pg_stat_activity WHERE datname = current_database()`)
    ).rows;
    for (const pid of [...rows.map((r) => r.pid), ...pidsOf('walwriter')]) {
      const cpu = cpuSeconds(pid);
      const seen = this.backends.get(pid);
      if (seen) seen.last = Math.max(seen.last, cpu);
      else this.backends.set(pid, { first: initial ? cpu : 0, last: cpu });
    }
  }

  private pgSeconds(): number {
    let s = 0;
    for (const b of this.backends.values()) s += b.last - b.first;
    return s;
  }

  /** The first call starts following the database's backends; `between` stops it. */
  async snap(): Promise<Snapshot> {
    const initial = this.poller === null && this.backends.size === 0;
    await this.pollBackends(initial);
    if (initial) {
      this.poller = setInterval(() => void this.pollBackends(false).catch(() => undefined), 500);
    }
    const stats = (
      await this.pg.query(
        `SELECT xact_commit::float8 AS commits, pg_current_wal_lsn()::text AS lsn,
                (SELECT n_tup_upd::float8 FROM pg_stat_user_tables WHERE relname = 'deliveries') AS upd,
                (SELECT n_tup_hot_upd::float8 FROM pg_stat_user_tables WHERE relname = 'deliveries') AS hot
           FROM pg_stat_database WHERE datname = current_database()`,
      )
    ).rows[0] as { commits: number; lsn: string; upd: number; hot: number };
    const info = await this.redis.info('stats');
    const redisCommands = Number(/total_commands_processed:(\d+)/.exec(info)?.[1] ?? 0);
    return {
      at: performance.now(),
      node: new Map(this.nodePids().map((p) => [p, cpuSeconds(p)])),
      receiver: cpuSeconds(this.receiverPid),
      driver: this.driverPid === null ? 0 : cpuSeconds(this.driverPid),
      pg: this.pgSeconds(),
      redis: pidsOf('redis-server').reduce((s, p) => s + cpuSeconds(p), 0),
      machine: machineTicks(),
      commits: stats.commits,
      walLsn: stats.lsn,
      redisCommands,
      updates: stats.upd,
      hotUpdates: stats.hot,
    };
  }

  async between(a: Snapshot, b: Snapshot, units: number): Promise<Resources> {
    if (this.poller) clearInterval(this.poller);
    this.poller = null;
    const delta = (x: Map<number, number>, y: Map<number, number>) => {
      let s = 0;
      for (const [pid, v] of y) s += v - (x.get(pid) ?? 0);
      return s;
    };
    const wal = (
      await this.pg.query(`SELECT pg_wal_lsn_diff($2::pg_lsn, $1::pg_lsn)::float8 AS d`, [
        a.walLsn,
        b.walLsn,
      ])
    ).rows[0] as { d: number };
    const per = (v: number) => round((v * 1e6) / Math.max(1, units), 0);
    return {
      seconds: round((b.at - a.at) / 1000, 2),
      nodeUs: per(delta(a.node, b.node)),
      pgUs: per(b.pg - a.pg),
      receiverUs: per(b.receiver - a.receiver),
      driverUs: per(b.driver - a.driver),
      redisUs: per(b.redis - a.redis),
      commits: round((b.commits - a.commits) / Math.max(1, units), 2),
      redisCommands: round((b.redisCommands - a.redisCommands) / Math.max(1, units), 1),
      hotUpdatePct: round(
        (100 * (b.hotUpdates - a.hotUpdates)) / Math.max(1, b.updates - a.updates),
        0,
      ),
      walBytes: round(wal.d / Math.max(1, units), 0),
      machineBusyPct: round(
        (100 * (b.machine.busy - a.machine.busy)) / Math.max(1, b.machine.total - a.machine.total),
        0,
      ),
    };
  }
}

/** RSS and receiver progress every second while a scenario runs. */
/** The accounting of a platform's processes under a load driver. */
export function platformAccounting(env: Env, p: Platform, driver: Child): Accounting {
  return new Accounting(
    env.pg,
    env.redis,
    () => p.children.map((c) => c.pid),
    env.receiver.pid,
    driver.pid,
  );
}

export class Sampler {
  readonly points: { t: number; rssMb: number; heapUsedMb: number; received: number }[] = [];
  private timer: NodeJS.Timeout | null = null;
  private readonly t0 = performance.now();

  constructor(
    private readonly pid: number,
    private readonly metricsUrl: string,
    private readonly received: () => Promise<number>,
  ) {}

  start(): this {
    this.timer = setInterval(() => {
      void Promise.all([this.received(), heapUsedMb(this.metricsUrl)])
        .then(([n, heap]) =>
          this.points.push({
            t: round((performance.now() - this.t0) / 1000, 1),
            rssMb: round(rssMb(this.pid)),
            heapUsedMb: heap,
            received: n,
          }),
        )
        .catch(() => undefined);
    }, 1000);
    return this;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }
}

/** The V8 heap in use of a platform process, from its Prometheus metrics; 0 if unreadable. */
export async function heapUsedMb(metricsUrl: string): Promise<number> {
  try {
    const res = await request(metricsUrl);
    const text = await res.body.text();
    const m = /^nodejs_heap_size_used_bytes (\S+)$/m.exec(text);
    return m ? round(Number(m[1]) / 1048576) : 0;
  } catch {
    return 0;
  }
}
