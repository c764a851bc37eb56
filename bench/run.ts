/**
 * `npm run bench` — the delivery pipeline's benchmark, with its physical ceiling measured in the
 * same run. See the "Performance" section of README.md for what it measures and how to read it.
 *
 *   npm run bench                     full run (< 10 min on 2 cores)
 *   npm run bench -- --smoke          ~30 s: checks that the harness works, judges no numbers
 *   npm run bench -- --only=a,b       some scenarios (baseline, a, b, c, d, e, f)
 *   npm run bench -- --profile        also --cpu-prof and a per-statement query count of the
 *                                     platform processes, into bench/.tmp/
 *   npm run bench -- --keep           keep the bench database (dropped by default)
 *   npm run bench -- --scale=0.2      scale event, job and row counts (for quick iterations)
 *   npm run bench -- --explain=5      log plans of the bench database's statements slower than 5 ms
 *                                     (auto_explain, into PostgreSQL's server log)
 *   npm run bench -- --node-args="--max-semi-space-size=32"   flags for the platform's node
 */
import 'reflect-metadata';
import Redis from 'ioredis';
import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Pool } from 'pg';
import { request } from 'undici';
import { EVENT_NAMES, EventName } from '../src/events/catalogue';
import { ensureDatabase, runMigrations } from '../src/database/migrate';
import { QUEUES, QueueName } from '../src/modules/deliveries/queues';
import { DEFAULT_CONNECTIONS_PER_ORIGIN } from '../src/modules/deliveries/sending/webhook-sender';
import { getTestPki } from '../tools/pki/test-ca';
import type { BaselineArgs, BaselineResult } from './baseline';
import type { BulkArgs, PacedArgs } from './driver';
import { AdminClient, waitUntil } from './lib/admin';
import { Child, ROOT, TMP, cpuSeconds, machineTicks, pidsOf, rssMb, spawnNode } from './lib/proc';
import { LatencySummary, round, summarize, table } from './lib/stats';
import type { TagReport } from './receiver';

// ---------------------------------------------------------------------------------------------
// Sizes

interface Sizes {
  baselineJobs: number;
  /** (a) sustained throughput, role all. */
  a: { events: number; webhooks: number };
  /** (b) latency at a steady rate, every webhook healthy. */
  b: { rate: number; seconds: number; webhooks: number };
  /** (c) one event to many webhooks, several rounds. */
  c: { webhooks: number; rounds: number };
  /** (d) as (b), half of the webhooks answering 500. */
  d: { rate: number; seconds: number };
  /** (e) history queries over this many generated deliveries. */
  e: { rows: number; repeats: number };
  /** (f) api + worker processes: throughput and the worker's RSS. */
  f: { events: number; webhooks: number; warmupEvents: number };
}

const FULL: Sizes = {
  baselineJobs: 40_000,
  a: { events: 50_000, webhooks: 10 },
  b: { rate: 200, seconds: 30, webhooks: 2 },
  c: { webhooks: 500, rounds: 3 },
  d: { rate: 200, seconds: 30 },
  e: { rows: 1_000_000, repeats: 20 },
  f: { events: 20_000, webhooks: 10, warmupEvents: 200 },
};

const SMOKE: Sizes = {
  baselineJobs: 2_000,
  a: { events: 300, webhooks: 10 },
  b: { rate: 50, seconds: 3, webhooks: 2 },
  c: { webhooks: 50, rounds: 1 },
  d: { rate: 50, seconds: 3 },
  e: { rows: 20_000, repeats: 2 },
  f: { events: 200, webhooks: 10, warmupEvents: 20 },
};

/** Receiver ports: one origin per simulated customer. */
const RECEIVER_PORTS = 10;
/** The baseline runs with the platform's settings: jobs in flight, connections, pool size. */
const CONCURRENCY = QUEUES[QueueName.Deliveries].concurrency;
const CONNECTIONS_PER_ORIGIN = DEFAULT_CONNECTIONS_PER_ORIGIN;
const POOL_SIZE = 20;
/** Shrunk so that (d)'s failing deliveries go through all four attempts within the run. */
const RETRY_SCHEDULE = '1,2,4';
/** (f): how long the worker idles after the run before its RSS is read again. */
const SETTLE_MS = 15_000;
/** Webhooks that own (e)'s generated history. */
const HISTORY_WEBHOOKS = 50;
const SCENARIOS = ['baseline', 'a', 'b', 'c', 'd', 'e', 'f'] as const;
type Scenario = (typeof SCENARIOS)[number];

/**
 * The platform is compiled (as `npm start` runs it), so its RSS holds no TypeScript compiler. The
 * build goes under node_modules/.cache: out of lint's, prettier's and git's way, and `require`
 * still finds the packages from there.
 */
const BUILD = join(ROOT, 'node_modules', '.cache', 'zorio-bench', 'build');

/** Compiles src/ and migrations/ with tsconfig.build.json into bench/.tmp/build. */
function buildPlatform(): void {
  rmSync(BUILD, { recursive: true, force: true });
  const r = spawnSync(
    process.execPath,
    [
      join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'),
      '-p',
      join(ROOT, 'tsconfig.build.json'),
      '--outDir',
      BUILD,
      '--incremental',
      'false',
    ],
    { cwd: ROOT, encoding: 'utf8' },
  );
  if (!existsSync(join(BUILD, 'src', 'main.js'))) {
    throw new Error(`could not compile the platform:\n${r.stdout}${r.stderr}`);
  }
  if (r.status !== 0) log(`tsc reported type errors (the build was emitted anyway):\n${r.stdout}`);
}

// ---------------------------------------------------------------------------------------------
// Options

interface Options {
  smoke: boolean;
  only: Set<Scenario>;
  profile: boolean;
  keep: boolean;
  scale: number;
  explainMs: number | null;
  /** Extra flags for node in the platform's processes (experiments). */
  nodeArgs: string[];
}

function parseArgs(argv: string[]): Options {
  const opts: Options = {
    smoke: false,
    only: new Set(SCENARIOS),
    profile: false,
    keep: false,
    scale: 1,
    explainMs: null,
    nodeArgs: [],
  };
  for (const arg of argv) {
    if (arg === '--smoke') opts.smoke = true;
    else if (arg === '--profile') opts.profile = true;
    else if (arg === '--keep') opts.keep = true;
    else if (arg.startsWith('--explain=')) opts.explainMs = Number(arg.slice('--explain='.length));
    else if (arg.startsWith('--node-args=')) {
      opts.nodeArgs = arg.slice('--node-args='.length).split(' ').filter(Boolean);
    } else if (arg.startsWith('--scale=')) {
      opts.scale = Number(arg.slice('--scale='.length));
      if (!(opts.scale > 0)) throw new Error(`bad ${arg}`);
    } else if (arg.startsWith('--only=')) {
      const picked = arg.slice('--only='.length).split(',');
      for (const p of picked) {
        if (!(SCENARIOS as readonly string[]).includes(p)) throw new Error(`unknown scenario ${p}`);
      }
      opts.only = new Set(picked as Scenario[]);
    } else throw new Error(`unknown argument ${arg} (known: --smoke --only=… --profile --keep)`);
  }
  return opts;
}

function scaled(s: Sizes, k: number): Sizes {
  const n = (v: number) => Math.max(1, Math.round(v * k));
  return {
    ...s,
    baselineJobs: n(s.baselineJobs),
    a: { ...s.a, events: n(s.a.events) },
    e: { ...s.e, rows: n(s.e.rows) },
    f: { ...s.f, events: n(s.f.events) },
  };
}

// ---------------------------------------------------------------------------------------------
// Resource accounting: what the platform, PostgreSQL and Redis spent per delivery

interface Snapshot {
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

class Accounting {
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
class Sampler {
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
async function heapUsedMb(metricsUrl: string): Promise<number> {
  try {
    const res = await request(metricsUrl);
    const text = await res.body.text();
    const m = /^nodejs_heap_size_used_bytes (\S+)$/m.exec(text);
    return m ? round(Number(m[1]) / 1048576) : 0;
  } catch {
    return 0;
  }
}

// ---------------------------------------------------------------------------------------------
// The run

interface Env {
  opts: Options;
  sizes: Sizes;
  runId: string;
  databaseUrl: string;
  redisPrefix: string;
  pg: Pool;
  redis: Redis;
  receiver: Child;
  ports: number[];
  caFile: string;
  caPem: string;
  platformEnv: Record<string, string>;
  adminEmail: string;
  adminPassword: string;
  children: Child[];
}

interface Platform {
  label: string;
  children: Child[];
  /** The process that sends deliveries (role all or worker), and its /metrics. */
  worker: Child;
  workerMetrics: string;
  /** Where the HTTP API listens. */
  apiUrl: string;
  admin: AdminClient;
}

interface Hook {
  id: string;
  path: string;
}

const results: Record<string, unknown> = {};
const failures: string[] = [];

function check(ok: boolean, what: string): void {
  if (!ok) failures.push(what);
}

/** Runs one scenario; a failure is reported and the run goes on with the next one. */
async function scenario(name: string, run: () => Promise<Record<string, unknown>>): Promise<void> {
  try {
    results[name] = await run();
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    failures.push(`(${name}) did not complete: ${message.split('\n')[0]}`);
    log(`(${name}) failed: ${message}`);
  }
}

function log(msg: string): void {
  process.stdout.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
}

/** A port the platform can listen on: outside the ephemeral range, free on every address. */
async function freePort(): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const port = 20_000 + Math.floor(Math.random() * 10_000);
    const server = createServer();
    const ok = await new Promise<boolean>((resolve) => {
      server.once('error', () => resolve(false));
      server.listen(port, '::', () => resolve(true));
    });
    if (ok) {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      return port;
    }
  }
  throw new Error('no free port found for the platform');
}

async function startPlatform(env: Env, roles: ('all' | 'api' | 'worker')[]): Promise<Platform> {
  const children: Child[] = [];
  const urls: string[] = [];
  for (const role of roles) {
    // Every role listens: the API, or (worker) its health and metrics endpoint.
    const port = await freePort();
    const label = `platform-${role}`;
    const profileDir = join(TMP, 'prof');
    const child = spawnNode(label, join(BUILD, 'src', 'main.js'), {
      env: { ...env.platformEnv, ZORIO_ROLE: role, PORT: String(port) },
      nodeArgs: [
        ...env.opts.nodeArgs,
        ...(env.opts.profile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []),
      ],
      preload: env.opts.profile
        ? [
            join(ROOT, 'bench', 'lib', 'query-counter.ts'),
            join(ROOT, 'bench', 'lib', 'memory-probe.ts'),
          ]
        : [],
      cwd: TMP,
    });
    children.push(child);
    urls.push(`http://127.0.0.1:${port}`);
    env.children.push(child);
  }
  await Promise.all(
    children.map((child, i) =>
      waitUntil(
        async () => {
          if (child.proc.exitCode !== null) {
            throw new Error(`${child.label} exited:\n${child.tail()}`);
          }
          try {
            const res = await request(`${urls[i]}/health/ready`);
            await res.body.text();
            return res.statusCode === 200;
          } catch {
            return false;
          }
        },
        { timeoutMs: 180_000, intervalMs: 250, what: `${child.label} to be ready` },
      ),
    ),
  );
  const http = roles.indexOf(roles.includes('api') ? 'api' : 'all');
  const apiUrl = urls[http];
  const admin = new AdminClient(apiUrl);
  await admin.login(env.adminEmail, env.adminPassword);
  const w = roles.indexOf(roles.includes('worker') ? 'worker' : 'all');
  return {
    label: roles.join('+'),
    children,
    worker: children[w],
    workerMetrics: `${urls[w]}/metrics`,
    apiUrl,
    admin,
  };
}

async function stopPlatform(env: Env, p: Platform): Promise<void> {
  await Promise.all(p.children.map((c) => c.stop(20_000)));
  env.children = env.children.filter((c) => !p.children.includes(c));
}

/** Creates webhooks through the admin API, each on its own receiver path, spread over the ports. */
async function createHooks(
  env: Env,
  admin: AdminClient,
  tag: string,
  event: EventName,
  count: number,
  mode: (i: number) => 'ok' | 'fail' = () => 'ok',
): Promise<Hook[]> {
  const hooks: Hook[] = new Array<Hook>(count);
  const secrets: Record<string, string> = {};
  let next = 0;
  const lane = async () => {
    while (next < count) {
      const i = next++;
      const path = `/${tag}/${mode(i)}/${i}`;
      const url = `https://127.0.0.1:${env.ports[i % env.ports.length]}${path}`;
      const { id, secret } = await admin.createWebhook(`bench ${tag} ${i}`, url, [event]);
      hooks[i] = { id, path };
      secrets[path] = secret;
    }
  };
  await Promise.all(Array.from({ length: Math.min(4, count) }, lane));
  await env.receiver.rpc.call('secrets', secrets);
  return hooks;
}

const received = (env: Env, tag: string) => env.receiver.rpc.call<number>('count', { tag });
const report = (env: Env, tag: string) => env.receiver.rpc.call<TagReport>('report', { tag });

/** Waits until every delivery of `event` is final and the outbox holds none of it unpublished. */
async function drained(env: Env, event: EventName, timeoutMs: number): Promise<void> {
  await waitUntil(
    async () => {
      const r = (
        await env.pg.query(
          `SELECT (SELECT count(*) FROM outbox_events WHERE published_at IS NULL AND event_name = $1)::int
                + (SELECT count(*) FROM deliveries WHERE status IN ('pending', 'retrying') AND event = $1)::int
                  AS open`,
          [event],
        )
      ).rows[0] as { open: number };
      return r.open === 0;
    },
    { timeoutMs, intervalMs: 100, what: `${event} deliveries to be final` },
  );
}

interface Verification {
  events: number;
  deliveries: number;
  distinctPairs: number;
  byStatus: Record<string, number>;
  attempts: number;
  attemptCountMismatches: number;
}

/** The pipeline's guarantees, checked in the database after a scenario. */
async function verify(env: Env, event: EventName): Promise<Verification> {
  const counts = (
    await env.pg.query(
      `SELECT count(*)::int AS deliveries, count(DISTINCT (event_id, webhook_id))::int AS pairs
         FROM deliveries WHERE event = $1`,
      [event],
    )
  ).rows[0] as { deliveries: number; pairs: number };
  const events = (
    await env.pg.query(`SELECT count(*)::int AS n FROM outbox_events WHERE event_name = $1`, [
      event,
    ])
  ).rows[0] as { n: number };
  const statuses = (
    await env.pg.query(
      `SELECT status, count(*)::int AS n FROM deliveries WHERE event = $1 GROUP BY status`,
      [event],
    )
  ).rows as { status: string; n: number }[];
  const attempts = (
    await env.pg.query(
      `SELECT count(*)::int AS attempts,
              count(*) FILTER (WHERE per.n <> per.attempt_count)::int AS mismatches
         FROM (SELECT d.attempt_count, count(a.id)::int AS n
                 FROM deliveries d LEFT JOIN delivery_attempts a ON a.delivery_id = d.id
                WHERE d.event = $1 GROUP BY d.id, d.attempt_count) per`,
      [event],
    )
  ).rows[0] as { attempts: number; mismatches: number };
  const total = (
    await env.pg.query(
      `SELECT count(*)::int AS n FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id
        WHERE d.event = $1`,
      [event],
    )
  ).rows[0] as { n: number };
  return {
    events: events.n,
    deliveries: counts.deliveries,
    distinctPairs: counts.pairs,
    byStatus: Object.fromEntries(statuses.map((s) => [s.status, s.n])),
    attempts: total.n,
    attemptCountMismatches: attempts.mismatches,
  };
}

/** The time the last delivery of `event` reached its final state (its record's updated_at). */
async function lastUpdate(env: Env, event: EventName): Promise<number> {
  const r = (
    await env.pg.query(
      `SELECT (extract(epoch FROM max(updated_at)) * 1000)::float8 AS t FROM deliveries WHERE event = $1`,
      [event],
    )
  ).rows[0] as { t: number };
  return r.t;
}

// ---------------------------------------------------------------------------------------------
// Scenarios

async function runBaseline(env: Env): Promise<Record<string, unknown>> {
  log(`baseline: ${env.sizes.baselineJobs} jobs (BullMQ → HMAC → undici POST → INSERT)`);
  const child = spawnNode('baseline', join(ROOT, 'bench', 'baseline.ts'));
  env.children.push(child);
  await child.rpc.once('ready', 60_000);
  const secret = randomBytes(16).toString('hex');
  const urls = env.ports.map((p, i) => `https://127.0.0.1:${p}/base/ok/${i}`);
  await env.receiver.rpc.call(
    'secrets',
    Object.fromEntries(urls.map((u) => [new URL(u).pathname, secret])),
  );
  const acct = new Accounting(env.pg, env.redis, () => [child.pid], env.receiver.pid);
  const redis = new URL(env.platformEnv.REDIS_URL);
  const args: BaselineArgs = {
    jobs: env.sizes.baselineJobs,
    concurrency: CONCURRENCY,
    connectionsPerOrigin: CONNECTIONS_PER_ORIGIN,
    poolSize: POOL_SIZE,
    databaseUrl: env.databaseUrl,
    redis: { host: redis.hostname, port: Number(redis.port || 6379) },
    prefix: `${env.redisPrefix}:baseline`,
    urls,
    secret,
    caPem: env.caPem,
    bodyBytes: 420,
  };
  const s0 = await acct.snap();
  const r = await child.rpc.call<BaselineResult>('run', args);
  const s1 = await acct.snap();
  const res = await acct.between(s0, s1, r.jobs);
  // The baseline's own CPU is measured inside it (process.cpuUsage over the timed run).
  res.nodeUs = round((r.cpuSeconds * 1e6) / r.jobs, 0);
  res.seconds = round(r.seconds, 2);
  const rec = await report(env, 'base');
  check(r.failures === 0, `baseline: ${r.failures} failed jobs`);
  check(rec.badSignatures === 0, `baseline: ${rec.badSignatures} bad signatures at the receiver`);
  check(rec.distinct >= r.jobs, `baseline: receiver saw ${rec.distinct} of ${r.jobs} jobs`);
  await child.rpc.call('close');
  await child.stop();
  env.children = env.children.filter((c) => c !== child);
  log(`baseline: ${Math.round(r.perSecond)} jobs/s`);
  return { jobs: r.jobs, perSecond: round(r.perSecond, 0), rssMb: round(r.rssMb), resources: res };
}

/** (a) and (f): a burst of events fanned out to `webhooks` webhooks, timed until drained. */
async function throughput(
  env: Env,
  p: Platform,
  driver: Child,
  tag: string,
  event: EventName,
  events: number,
  webhooks: number,
  warmupEvents: number,
): Promise<Record<string, unknown>> {
  await createHooks(env, p.admin, tag, event, webhooks);
  if (warmupEvents > 0) {
    // Connections, JIT and pools warm up first; not measured (but verified with the rest).
    await driver.rpc.call('publishBulk', {
      event,
      count: warmupEvents,
      batch: 100,
      concurrency: 1,
    } satisfies BulkArgs);
    await waitUntil(async () => (await received(env, tag)) >= warmupEvents * webhooks, {
      timeoutMs: 60_000,
      what: `warm-up deliveries (${tag})`,
    });
    await drained(env, event, 60_000);
    await env.receiver.rpc.call('reset', { tag });
  }
  const expected = events * webhooks;
  const acct = new Accounting(
    env.pg,
    env.redis,
    () => p.children.map((c) => c.pid),
    env.receiver.pid,
    driver.pid,
  );
  const sampler = new Sampler(p.worker.pid, p.workerMetrics, () => received(env, tag));
  const rssBefore = rssMb(p.worker.pid);
  log(`${tag}: ${events} events × ${webhooks} webhooks = ${expected} deliveries (${p.label})`);
  const s0 = await acct.snap();
  const t0 = Date.now();
  sampler.start();
  const publishing = driver.rpc.call<{ seconds: number }>('publishBulk', {
    event,
    count: events,
    batch: 100,
    concurrency: 2,
  } satisfies BulkArgs);
  const timeoutMs = Math.max(120_000, (expected / 300) * 1000);
  await waitUntil(async () => (await received(env, tag)) >= expected, {
    timeoutMs,
    intervalMs: 250,
    what: `${expected} deliveries at the receiver (${tag})`,
  });
  const published = await publishing;
  await drained(env, event, 60_000);
  const s1 = await acct.snap();
  sampler.stop();
  const end = await lastUpdate(env, event);
  const seconds = (end - t0) / 1000;
  const res = await acct.between(s0, s1, expected);
  res.seconds = round(seconds, 2);
  const rec = await report(env, tag);
  const v = await verify(env, event);
  const all = (events + warmupEvents) * webhooks;
  check(v.events === events + warmupEvents, `${tag}: ${v.events} events in the outbox`);
  check(v.deliveries === all, `${tag}: ${v.deliveries} deliveries, expected ${all}`);
  check(v.distinctPairs === all, `${tag}: ${v.distinctPairs} distinct (event, webhook)`);
  check(v.byStatus.succeeded === all, `${tag}: statuses ${JSON.stringify(v.byStatus)}`);
  check(v.attempts === all, `${tag}: ${v.attempts} attempts recorded, expected ${all}`);
  check(v.attemptCountMismatches === 0, `${tag}: attempt_count ≠ recorded attempts`);
  check(rec.badSignatures === 0, `${tag}: ${rec.badSignatures} bad signatures`);
  check(rec.distinct === expected, `${tag}: receiver saw ${rec.distinct} distinct deliveries`);
  const perSecond = expected / seconds;
  log(`${tag}: ${Math.round(perSecond)} deliveries/s in ${seconds.toFixed(1)} s`);
  const latency = rec.modes.ok?.latency;
  await env.receiver.rpc.call('reset', { tag });
  return {
    processes: p.label,
    events,
    webhooks,
    deliveries: expected,
    perSecond: round(perSecond, 0),
    publishSeconds: round(published.seconds, 2),
    duplicatesAtReceiver: rec.duplicates,
    latencyMs: latency,
    rssMb: { before: round(rssBefore), after: round(rssMb(p.worker.pid)) },
    resources: res,
    verification: v,
    samples: sampler.points,
  };
}

/** (b) and (d): a steady publish rate, latency measured at the receiver. */
async function paced(
  env: Env,
  p: Platform,
  driver: Child,
  tag: string,
  event: EventName,
  rate: number,
  seconds: number,
  modes: ('ok' | 'fail')[],
): Promise<{
  report: TagReport;
  published: number;
  resources: Resources;
  verification: Verification;
}> {
  await createHooks(env, p.admin, tag, event, modes.length, (i) => modes[i]);
  const acct = new Accounting(
    env.pg,
    env.redis,
    () => p.children.map((c) => c.pid),
    env.receiver.pid,
    driver.pid,
  );
  log(`${tag}: ${rate} events/s for ${seconds} s to ${modes.join('+')} webhooks`);
  const s0 = await acct.snap();
  const r = await driver.rpc.call<{ published: number; maxLagMs: number }>('publishPaced', {
    event,
    rate,
    seconds,
  } satisfies PacedArgs);
  const attemptsPer = (m: 'ok' | 'fail') => (m === 'ok' ? 1 : 4);
  const expected = r.published * modes.reduce((s, m) => s + attemptsPer(m), 0);
  await waitUntil(async () => (await received(env, tag)) >= expected, {
    timeoutMs: 60_000,
    intervalMs: 100,
    what: `${expected} requests at the receiver (${tag})`,
  });
  await drained(env, event, 60_000);
  const s1 = await acct.snap();
  const rec = await report(env, tag);
  const v = await verify(env, event);
  const deliveries = r.published * modes.length;
  check(v.deliveries === deliveries, `${tag}: ${v.deliveries} deliveries, expected ${deliveries}`);
  check(v.distinctPairs === deliveries, `${tag}: ${v.distinctPairs} distinct (event, webhook)`);
  check(v.attempts === expected, `${tag}: ${v.attempts} attempts recorded, expected ${expected}`);
  check(v.attemptCountMismatches === 0, `${tag}: attempt_count ≠ recorded attempts`);
  check(rec.badSignatures === 0, `${tag}: ${rec.badSignatures} bad signatures`);
  const healthy = r.published * modes.filter((m) => m === 'ok').length;
  const failing = r.published * modes.filter((m) => m === 'fail').length;
  check((v.byStatus.succeeded ?? 0) === healthy, `${tag}: statuses ${JSON.stringify(v.byStatus)}`);
  check(
    (v.byStatus.dead_letter ?? 0) === failing,
    `${tag}: statuses ${JSON.stringify(v.byStatus)}`,
  );
  return {
    report: rec,
    published: r.published,
    resources: await acct.between(s0, s1, expected),
    verification: v,
  };
}

async function scenarioB(env: Env, p: Platform, driver: Child): Promise<Record<string, unknown>> {
  const { rate, seconds, webhooks } = env.sizes.b;
  const modes = Array.from({ length: webhooks }, () => 'ok' as const);
  const r = await paced(env, p, driver, 'b', 'pbx.call.ringing', rate, seconds, modes);
  const latency = r.report.modes.ok.latency;
  log(`b: p50 ${latency.p50} ms, p99 ${latency.p99} ms, max ${latency.max} ms`);
  return {
    rate,
    seconds,
    webhooks,
    published: r.published,
    latencyMs: latency,
    timeline: r.report.timeline,
    resources: r.resources,
    verification: r.verification,
  };
}

async function scenarioD(env: Env, p: Platform, driver: Child): Promise<Record<string, unknown>> {
  const { rate, seconds } = env.sizes.d;
  const webhooks = env.sizes.b.webhooks;
  const modes = Array.from({ length: webhooks }, (_, i): 'ok' | 'fail' =>
    i % 2 === 0 ? 'ok' : 'fail',
  );
  const auditBefore = await deadLetterAudits(env);
  const r = await paced(env, p, driver, 'd', 'pbx.call.answered', rate, seconds, modes);
  const audited = (await deadLetterAudits(env)) - auditBefore;
  const failing = r.published * modes.filter((m) => m === 'fail').length;
  check(audited === failing, `d: ${audited} dead-letter audit entries, expected ${failing}`);
  const healthy = r.report.modes.ok.latency;
  const failed = r.report.modes.fail?.latency;
  log(
    `d: healthy p50 ${healthy.p50} ms, p99 ${healthy.p99} ms (failing attempts: ${failed?.n ?? 0})`,
  );
  return {
    rate,
    seconds,
    webhooks: modes,
    published: r.published,
    healthyLatencyMs: healthy,
    failingFirstAttemptLatencyMs: failed,
    deadLetterAuditEntries: audited,
    timeline: r.report.timeline,
    resources: r.resources,
    verification: r.verification,
  };
}

async function deadLetterAudits(env: Env): Promise<number> {
  const r = (
    await env.pg.query(
      `SELECT count(*)::int AS n FROM audit_log WHERE action = 'delivery.dead_lettered'`,
    )
  ).rows[0] as { n: number };
  return r.n;
}

async function scenarioC(env: Env, p: Platform, driver: Child): Promise<Record<string, unknown>> {
  const { webhooks, rounds } = env.sizes.c;
  const event: EventName = 'telesales.lead.created';
  log(`c: creating ${webhooks} webhooks`);
  await createHooks(env, p.admin, 'c', event, webhooks);
  const out: { round: number; lastMs: number; p50Ms: number }[] = [];
  for (let i = 1; i <= rounds; i++) {
    await env.receiver.rpc.call('reset', { tag: 'c' });
    await driver.rpc.call('publishOne', { event });
    await waitUntil(async () => (await received(env, 'c')) >= webhooks, {
      timeoutMs: 60_000,
      intervalMs: 20,
      what: `${webhooks} deliveries of one event`,
    });
    await drained(env, event, 30_000);
    const rec = await report(env, 'c');
    check(rec.distinct === webhooks, `c: round ${i}: ${rec.distinct} of ${webhooks} delivered`);
    check(rec.badSignatures === 0, `c: ${rec.badSignatures} bad signatures`);
    out.push({ round: i, lastMs: rec.modes.ok.latency.max, p50Ms: rec.modes.ok.latency.p50 });
    log(`c: round ${i}: all ${webhooks} delivered ${rec.modes.ok.latency.max} ms after publish`);
  }
  const v = await verify(env, event);
  check(v.deliveries === webhooks * rounds, `c: ${v.deliveries} deliveries`);
  check(v.attempts === webhooks * rounds, `c: ${v.attempts} attempts`);
  return { webhooks, rounds: out, worstMs: Math.max(...out.map((o) => o.lastMs)), verification: v };
}

/** (e): history over generated rows. */
async function scenarioE(env: Env, p: Platform): Promise<Record<string, unknown>> {
  const rows = env.sizes.e.rows;
  // The history belongs to webhooks of its own (subscribed to an event no scenario publishes).
  const owners = await createHooks(
    env,
    p.admin,
    'e',
    'autocall.campaign.finished',
    HISTORY_WEBHOOKS,
  );
  log(`e: generating ${rows} deliveries with one INSERT … SELECT generate_series`);
  // 12 common events share ~99 %, 4 lifecycle events are rare (0.2 % each), as in real traffic.
  const rare = new Set<string>([
    'telesales.campaign.completed',
    'autocall.campaign.started',
    'autocall.campaign.paused',
    'autocall.campaign.finished',
  ]);
  const slots: string[] = [];
  for (const name of EVENT_NAMES) {
    const weight = rare.has(name) ? 2 : 83;
    for (let i = 0; i < weight; i++) slots.push(name);
  }
  const t0 = performance.now();
  await env.pg.query(
    `WITH hooks AS (
       SELECT array_agg(id ORDER BY created_at, id) AS ids,
              array_agg(display_name ORDER BY created_at, id) AS names,
              array_agg(url ORDER BY created_at, id) AS urls, count(*)::int AS n
         FROM webhooks WHERE id = ANY($3::uuid[])),
     g AS (
       SELECT g, h.ids, h.names, h.urls,
              -- a skewed webhook choice: a few webhooks carry most of the traffic
              1 + floor(h.n * power(((g * 104729) % 10007) / 10007.0, 2))::int AS w,
              ($2::text[])[(1 + (g * 7919) % array_length($2::text[], 1))::int] AS ev,
              (g * 31) % 1000 AS s
         FROM generate_series(1::bigint, $1::bigint) AS g, hooks h)
     INSERT INTO deliveries (id, event_id, webhook_id, webhook_name, url, event, body, status,
                             attempt_count, next_attempt_at, last_response_status, last_error,
                             created_at, updated_at)
     SELECT gen_random_uuid(), 1000000000000 + g, ids[w], names[w], urls[w], ev,
            '{"event":"' || ev || '","timestamp":"2026-06-29T03:30:12.000Z","tenant_id":1,"data":{"n":' || g
              || ',"call_uuid":"6f1c2b0e-4d1a-4c8e-9a57-3e2f8b1d7c40","extension":"1001","direction":"inbound","caller_number":"84912345678","destination_number":"1001","hangup_cause":"NORMAL_CLEARING"}}',
            CASE WHEN s < 950 THEN 'succeeded' WHEN s < 989 THEN 'dead_letter'
                 WHEN s < 999 THEN 'cancelled' ELSE 'retrying' END,
            CASE WHEN s < 950 THEN 1 WHEN s < 989 THEN 4 ELSE 2 END,
            CASE WHEN s >= 999 THEN now() + interval '10 minutes' END,
            CASE WHEN s < 950 THEN 200 WHEN s < 999 THEN 500 END,
            CASE WHEN s >= 950 AND s < 999 THEN 'http_status: HTTP 500 Internal Server Error' END,
            date_trunc('milliseconds', now() - make_interval(secs => (g::float8 / $1::bigint) * 29 * 86400)),
            date_trunc('milliseconds', now() - make_interval(secs => (g::float8 / $1::bigint) * 29 * 86400))
       FROM g`,
    [rows, slots, owners.map((o) => o.id)],
  );
  const insertSeconds = (performance.now() - t0) / 1000;
  const t1 = performance.now();
  await env.pg.query(`VACUUM ANALYZE deliveries`);
  const vacuumSeconds = (performance.now() - t1) / 1000;
  const total = (await env.pg.query(`SELECT count(*)::int AS n FROM deliveries`)).rows[0] as {
    n: number;
  };
  const size = (
    await env.pg.query(
      `SELECT pg_total_relation_size('deliveries')::float8 AS total,
              pg_relation_size('deliveries')::float8 AS heap,
              pg_indexes_size('deliveries')::float8 AS indexes`,
    )
  ).rows[0] as { total: number; heap: number; indexes: number };
  log(
    `e: ${rows} rows in ${insertSeconds.toFixed(1)} s (+ VACUUM ANALYZE ${vacuumSeconds.toFixed(1)} s); table now ${total.n} rows`,
  );

  const hooks = (
    await env.pg.query(
      `SELECT webhook_id AS id, count(*)::int AS n FROM deliveries
        WHERE webhook_id = ANY($1::uuid[]) GROUP BY webhook_id ORDER BY count(*) DESC`,
      [owners.map((o) => o.id)],
    )
  ).rows as { id: string; n: number }[];
  const big = hooks.slice(0, 5).map((h) => h.id);
  const small = hooks.slice(-5).map((h) => h.id);
  const common = ['pbx.call.hangup', 'telesales.lead.updated', 'autocall.lead.dialed'];
  const rareList = [...rare];
  const day = (k: number) => {
    const from = new Date(Date.now() - (3 + k) * 86_400_000);
    return `from=${from.toISOString()}&to=${new Date(from.getTime() + 86_400_000).toISOString()}`;
  };
  const kinds: { name: string; query: (k: number) => string }[] = [
    { name: 'newest', query: () => '' },
    { name: 'webhook (large)', query: (k) => `webhook_id=${big[k % big.length]}` },
    { name: 'webhook (small)', query: (k) => `webhook_id=${small[k % small.length]}` },
    { name: 'status=dead_letter', query: () => 'status=dead_letter' },
    { name: 'status=retrying', query: () => 'status=retrying' },
    { name: 'event (common)', query: (k) => `event=${common[k % common.length]}` },
    { name: 'event (rare)', query: (k) => `event=${rareList[k % rareList.length]}` },
    {
      name: 'webhook+dead_letter',
      query: (k) => `webhook_id=${big[k % big.length]}&status=dead_letter`,
    },
    {
      name: 'webhook+event',
      query: (k) => `webhook_id=${big[k % big.length]}&event=${common[k % 3]}`,
    },
    { name: 'one day', query: (k) => day(k) },
    { name: 'webhook+one day', query: (k) => `webhook_id=${big[k % big.length]}&${day(k)}` },
    { name: 'dead_letter+event', query: (k) => `status=dead_letter&event=${common[k % 3]}` },
  ];
  type Page = { data: unknown[]; next_cursor: string | null };
  const get = (q: string) =>
    p.admin.timedGet<Page>(`/api/admin/deliveries?limit=50${q ? `&${q}` : ''}`);
  // Warm: each kind once, untimed.
  for (const k of kinds) await get(k.query(0));
  const perKind: Record<string, LatencySummary> = {};
  const all: number[] = [];
  for (const kind of kinds) {
    const times: number[] = [];
    for (let i = 0; i < env.sizes.e.repeats; i++) {
      const q = kind.query(i);
      const first = await get(q);
      times.push(first.ms);
      // Following the cursor: pages 2 and 3 of the same filter.
      let cursor = first.body.next_cursor;
      for (let page = 2; page <= 3 && cursor; page++) {
        const next = await get(`${q ? `${q}&` : ''}cursor=${encodeURIComponent(cursor)}`);
        times.push(next.ms);
        cursor = next.body.next_cursor;
      }
    }
    perKind[kind.name] = summarize(times);
    all.push(...times);
  }
  const overall = summarize(all);
  log(
    `e: ${overall.n} requests, p50 ${overall.p50} ms, p95 ${overall.p95} ms, max ${overall.max} ms`,
  );
  return {
    generatedRows: rows,
    tableRows: total.n,
    insertSeconds: round(insertSeconds, 1),
    vacuumAnalyzeSeconds: round(vacuumSeconds, 1),
    tableMb: {
      heap: round(size.heap / 1048576, 0),
      indexes: round(size.indexes / 1048576, 0),
      total: round(size.total / 1048576, 0),
    },
    requests: overall.n,
    latencyMs: overall,
    perKind,
  };
}

// ---------------------------------------------------------------------------------------------
// Report

interface Goal {
  name: string;
  value: string;
  target: string;
  met: boolean | null;
}

function goals(): Goal[] {
  const out: Goal[] = [];
  const base = results.baseline as { perSecond: number } | undefined;
  const a = results.a as { perSecond: number } | undefined;
  const b = results.b as { latencyMs: LatencySummary } | undefined;
  const c = results.c as { worstMs: number } | undefined;
  const d = results.d as { healthyLatencyMs: LatencySummary } | undefined;
  const e = results.e as { latencyMs: LatencySummary } | undefined;
  const f = results.f as
    | { rssMb: { before: number; half: number; after: number; peak: number; settled: number } }
    | undefined;
  if (base && a) {
    const ratio = a.perSecond / base.perSecond;
    out.push({
      name: 'throughput ÷ baseline',
      value: ratio.toFixed(2),
      target: '≥ 0.60',
      met: ratio >= 0.6,
    });
  }
  if (b) {
    out.push({
      name: 'latency p50 (b)',
      value: `${b.latencyMs.p50} ms`,
      target: '≤ 10 ms',
      met: b.latencyMs.p50 <= 10,
    });
    out.push({
      name: 'latency p99 (b)',
      value: `${b.latencyMs.p99} ms`,
      target: '≤ 50 ms',
      met: b.latencyMs.p99 <= 50,
    });
  }
  if (c) {
    out.push({
      name: 'fan-out, last delivery (c)',
      value: `${c.worstMs} ms`,
      target: '≤ 2000 ms',
      met: c.worstMs <= 2000,
    });
  }
  if (b && d) {
    const x = d.healthyLatencyMs.p99 / Math.max(0.1, b.latencyMs.p99);
    out.push({
      name: 'failure mix: healthy p99 ÷ (b) p99',
      value: `${d.healthyLatencyMs.p99} ms (${x.toFixed(2)}×)`,
      target: '≤ 2×',
      met: x <= 2,
    });
  }
  if (e) {
    out.push({
      name: 'history p95 (e)',
      value: `${e.latencyMs.p95} ms`,
      target: '≤ 50 ms',
      met: e.latencyMs.p95 <= 50,
    });
  }
  if (f) {
    // Judged right after the run (under-load heap), not after the idle pause.
    const growing = f.rssMb.after > f.rssMb.half * 1.1 + 5;
    out.push({
      name: 'worker RSS after 200k (f)',
      value: `${f.rssMb.after} MB (half-way ${f.rssMb.half}, peak ${f.rssMb.peak}, idle ${f.rssMb.settled})`,
      target: '≤ 300 MB, not growing',
      met: f.rssMb.after <= 300 && !growing,
    });
  }
  return out;
}

function printReport(opts: Options): string {
  const lines: string[] = [];
  const res = (name: string, s: Record<string, unknown> | undefined, unitsKey: string) => {
    if (!s) return null;
    const r = s.resources as Resources;
    const units = s[unitsKey] as number;
    return [
      name,
      units,
      r.seconds,
      Math.round(units / r.seconds),
      r.nodeUs,
      r.pgUs,
      r.redisUs,
      r.receiverUs,
      r.driverUs,
      r.commits,
      r.redisCommands,
      r.walBytes,
      `${r.hotUpdatePct}%`,
      `${r.machineBusyPct}%`,
    ];
  };
  const rows = [
    res('baseline (bare stack)', results.baseline as Record<string, unknown>, 'jobs'),
    res('(a) throughput, role all', results.a as Record<string, unknown>, 'deliveries'),
    res('(f) throughput, api+worker', results.f as Record<string, unknown>, 'deliveries'),
  ].filter((r): r is (string | number)[] => r !== null);
  if (rows.length) {
    lines.push(
      table(
        [
          'run',
          'deliveries',
          's',
          'per s',
          'node µs/d',
          'pg µs/d',
          'redis µs/d',
          'rcv µs/d',
          'drv µs/d',
          'commits/d',
          'redis cmd/d',
          'WAL B/d',
          'HOT upd',
          'machine',
        ],
        rows,
      ),
    );
    lines.push('');
  }
  const g = goals();
  if (g.length) {
    lines.push(
      table(
        ['goal', 'measured', 'target', opts.smoke ? 'met (smoke: not judged)' : 'met'],
        g.map((x) => [x.name, x.value, x.target, x.met ? 'yes' : 'NO']),
      ),
    );
    lines.push('');
  }
  const e = results.e as { perKind: Record<string, LatencySummary> } | undefined;
  if (e) {
    lines.push(
      table(
        ['history query (e)', 'n', 'p50 ms', 'p95 ms', 'max ms'],
        Object.entries(e.perKind).map(([k, v]) => [k, v.n, v.p50, v.p95, v.max]),
      ),
    );
    lines.push('');
  }
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------

let interrupted = false;

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  const sizes = scaled(opts.smoke ? SMOKE : FULL, opts.scale);
  const started = performance.now();
  mkdirSync(join(TMP, 'prof'), { recursive: true });
  const runId = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  const base = new URL(
    process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  );
  base.pathname = `/zorio_bench_${runId}`;
  const databaseUrl = base.toString();
  const redisUrl = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
  const redisPrefix = `zorio-bench-${runId}`;
  const pki = getTestPki();
  const adminEmail = 'bench@localhost';
  const adminPassword = randomBytes(18).toString('base64url');
  const children: Child[] = [];
  log(
    `run ${runId}: database ${base.pathname.slice(1)}, Redis prefix ${redisPrefix}${opts.smoke ? ' (smoke)' : ''}`,
  );

  const tBuild = performance.now();
  buildPlatform();
  log(`compiled the platform in ${((performance.now() - tBuild) / 1000).toFixed(1)} s`);
  await ensureDatabase(databaseUrl);
  await runMigrations(databaseUrl);
  if (opts.explainMs !== null) {
    const name = base.pathname.slice(1);
    const admin = new Pool({ connectionString: databaseUrl, max: 1 });
    await admin.query(`ALTER DATABASE "${name}" SET session_preload_libraries = 'auto_explain'`);
    await admin.query(
      `ALTER DATABASE "${name}" SET auto_explain.log_min_duration = ${Number(opts.explainMs)}`,
    );
    await admin.query(`ALTER DATABASE "${name}" SET auto_explain.log_analyze = on`);
    await admin.query(`ALTER DATABASE "${name}" SET auto_explain.log_buffers = on`);
    await admin.end();
  }
  const pg = new Pool({ connectionString: databaseUrl, max: 3, application_name: 'zorio-bench' });
  const settings = (
    await pg.query(
      `SELECT current_setting('fsync') AS fsync, current_setting('synchronous_commit') AS sc,
              current_setting('server_version') AS version`,
    )
  ).rows[0] as { fsync: string; sc: string; version: string };
  if (settings.fsync !== 'on' || settings.sc !== 'on') {
    throw new Error(
      `PostgreSQL must run with fsync and synchronous_commit on (got ${settings.fsync}, ${settings.sc})`,
    );
  }

  const env: Env = {
    opts,
    sizes,
    runId,
    databaseUrl,
    redisPrefix,
    pg,
    redis: new Redis(redisUrl, { maxRetriesPerRequest: 2 }),
    receiver: spawnNode('receiver', join(ROOT, 'bench', 'receiver.ts')),
    ports: [],
    caFile: pki.caFile,
    caPem: pki.caCertPem,
    adminEmail,
    adminPassword,
    children,
    platformEnv: {
      DATABASE_URL: databaseUrl,
      REDIS_URL: redisUrl,
      REDIS_PREFIX: redisPrefix,
      SECRETS_KEY: randomBytes(32).toString('base64'),
      SESSION_SECRET: randomBytes(32).toString('hex'),
      ADMIN_EMAIL: adminEmail,
      ADMIN_PASSWORD: adminPassword,
      WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
      WEBHOOK_CA_FILE: pki.caFile,
      WEBHOOK_RETRY_SCHEDULE: RETRY_SCHEDULE,
      // (d) keeps its failing webhook failing instead of suspending it after 50 dead letters.
      WEBHOOK_SUSPEND_AFTER: '1000000000',
      LOG_LEVEL: 'info',
      // Everything else at its default, whatever a .env or the caller's environment says.
      NODE_ENV: '',
      COOKIE_SECURE: '',
      TENANT_ID: '',
      WEBHOOK_TIMEOUT_MS: '',
      DELIVERY_RETENTION_DAYS: '',
      PBX_ESL_HOST: '',
      PBX_ESL_PORT: '',
      PBX_ESL_PASSWORD: '',
    },
  };
  env.children.push(env.receiver);

  const onSignal = () => {
    interrupted = true;
    log('interrupted; stopping');
    void Promise.all(env.children.map((c) => c.stop(2000)))
      .then(() => cleanup(env, opts.keep))
      .catch(() => undefined)
      .then(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    await env.receiver.rpc.once('ready', 60_000);
    env.ports = await env.receiver.rpc.call<number[]>('start', {
      ports: RECEIVER_PORTS,
      certPem: pki.server.certPem,
      keyPem: pki.server.keyPem,
    });
    results.machine = {
      cpus: cpus().length,
      model: cpus()[0]?.model ?? 'unknown',
      memoryGb: round(totalmem() / 1073741824, 1),
      node: process.version,
      postgres: settings.version,
      fsync: settings.fsync,
      synchronousCommit: settings.sc,
    };
    results.sizes = sizes;
    results.smoke = opts.smoke;

    if (opts.only.has('baseline')) results.baseline = await runBaseline(env);

    const want = (s: Scenario) => opts.only.has(s);
    if (want('a') || want('b') || want('c') || want('d')) {
      log('starting the platform: one process, role all');
      const p = await startPlatform(env, ['all']);
      const driver = spawnNode('driver', join(ROOT, 'bench', 'driver.ts'));
      env.children.push(driver);
      await driver.rpc.once('ready', 60_000);
      await driver.rpc.call('init', { databaseUrl });
      if (want('a')) {
        await scenario('a', () =>
          throughput(env, p, driver, 'a', 'pbx.call.hangup', sizes.a.events, sizes.a.webhooks, 0),
        );
      }
      if (want('b')) await scenario('b', () => scenarioB(env, p, driver));
      if (want('c')) await scenario('c', () => scenarioC(env, p, driver));
      if (want('d')) await scenario('d', () => scenarioD(env, p, driver));
      await driver.rpc.call('close');
      await driver.stop();
      env.children = env.children.filter((c) => c !== driver);
      await stopPlatform(env, p);
    }

    if (want('e') || want('f')) {
      log('starting the platform: one api process and one worker process');
      const p = await startPlatform(env, ['api', 'worker']);
      if (want('f')) {
        const driver = spawnNode('driver', join(ROOT, 'bench', 'driver.ts'));
        env.children.push(driver);
        await driver.rpc.once('ready', 60_000);
        await driver.rpc.call('init', { databaseUrl });
        await scenario('f', () => scenarioF(env, p, driver));
        await driver.rpc.call('close');
        await driver.stop();
        env.children = env.children.filter((c) => c !== driver);
      }
      if (want('e')) await scenario('e', () => scenarioE(env, p));
      await stopPlatform(env, p);
    }
  } finally {
    if (!interrupted) {
      await Promise.all(env.children.map((c) => c.stop(20_000)));
      await cleanup(env, opts.keep);
    }
  }

  const base0 = results.baseline as { perSecond: number } | undefined;
  const a = results.a as { perSecond: number } | undefined;
  const b = results.b as { latencyMs: LatencySummary } | undefined;
  const f = results.f as { rssMb: { after: number } } | undefined;
  const ratio = base0 && a ? a.perSecond / base0.perSecond : 0;
  results.goals = goals();
  results.failures = failures;
  results.seconds = round((performance.now() - started) / 1000, 1);
  const lastLine =
    `deliveries_per_s=${a?.perSecond ?? 0} baseline_per_s=${base0?.perSecond ?? 0} ` +
    `ratio=${ratio.toFixed(2)} p50_ms=${b?.latencyMs.p50 ?? 0} p99_ms=${b?.latencyMs.p99 ?? 0} ` +
    `rss_mb=${Math.round(f?.rssMb.after ?? 0)}`;
  results.line = lastLine;
  writeFileSync(join(ROOT, 'bench', 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`\n${printReport(opts)}\n`);
  if (failures.length) {
    process.stdout.write(
      `Guarantees violated or harness checks failed:\n- ${failures.join('\n- ')}\n`,
    );
  }
  log(`done in ${results.seconds as number} s; results in bench/results.json`);
  process.stdout.write(`${lastLine}\n`);
  if (failures.length) process.exitCode = 1;
}

async function scenarioF(env: Env, p: Platform, driver: Child): Promise<Record<string, unknown>> {
  const { events, webhooks, warmupEvents } = env.sizes.f;
  const r = await throughput(
    env,
    p,
    driver,
    'f',
    'pbx.cdr.created',
    events,
    webhooks,
    warmupEvents,
  );
  const samples = r.samples as { t: number; rssMb: number; received: number }[];
  const expected = r.deliveries as number;
  const half = samples.find((s) => s.received >= expected / 2)?.rssMb ?? 0;
  const rss = r.rssMb as { before: number; after: number };
  const peak = Math.max(0, ...samples.map((s) => s.rssMb));
  // Idle again: V8 gives memory back some seconds after the load stops.
  await new Promise((resolve) => setTimeout(resolve, env.opts.smoke ? 2_000 : SETTLE_MS));
  const settled = round(rssMb(p.worker.pid));
  r.rssMb = { before: rss.before, half, after: rss.after, peak, settled };
  log(
    `f: worker RSS ${rss.before} MB before, ${half} MB half-way, ${rss.after} MB after ` +
      `(peak ${peak} MB), ${settled} MB after ${SETTLE_MS / 1000} s idle`,
  );
  return r;
}

async function cleanup(env: Env, keep: boolean): Promise<void> {
  await env.pg.end();
  const redis = env.redis;
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${env.redisPrefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await redis.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  if (keep) {
    log(`kept database ${new URL(env.databaseUrl).pathname.slice(1)}`);
    return;
  }
  const admin = new URL(env.databaseUrl);
  const name = admin.pathname.slice(1);
  admin.pathname = '/postgres';
  const pool = new Pool({ connectionString: admin.toString(), max: 1 });
  try {
    await pool.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await pool.end();
  }
}

main().catch((err: unknown) => {
  // Interrupted: the SIGINT handler stops the children, cleans up and exits.
  if (interrupted) return;
  process.stderr.write(
    `bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exit(1);
});
