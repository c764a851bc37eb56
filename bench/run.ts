/**
 * `npm run bench` — the delivery pipeline's benchmark, with its physical ceiling measured in the
 * same run. See the "Performance" section of README.md for what it measures and how to read it.
 *
 *   npm run bench                     full run (~15-20 min on 2 cores)
 *   npm run bench -- --smoke          ~2 min: checks that the harness works, judges no numbers
 *   npm run bench -- --only=a,b       some scenarios (baseline, a, i, b, c, d, g, h, e, f, j)
 *   npm run bench -- --profile        also --cpu-prof and a per-statement query count of the
 *                                     platform processes, into bench/.tmp/
 *   npm run bench -- --keep           keep the bench database (dropped by default)
 *   npm run bench -- --scale=0.2      scale event, job and row counts (for quick iterations)
 *   npm run bench -- --only=e --history-rows 10000000   (e) over 10 M generated deliveries
 *   npm run bench -- --explain=5      log plans of the bench database's statements slower than 5 ms
 *                                     (auto_explain, into PostgreSQL's server log)
 *   npm run bench -- --node-args="--max-semi-space-size=32"   flags for the platform's node
 *
 * Scenarios: baseline (bare stack ceiling); (a) throughput, 10 webhooks; (i) (a) with ordering per
 * key on every webhook; (b) latency at 200 events/s; (c) one event to 500 webhooks; (d) (b) with a
 * failing webhook; (g) (b) with a hanging webhook; (h) a 200,000-delivery backlog of a paused
 * webhook drained while (b) runs; (e) history queries; (f) (a) on api + worker processes; (j) many
 * processes (2 api + 3 worker) loaded through the domain API, one worker SIGKILLed half-way ((i)
 * was taken by ordering, hence j).
 *
 * The last line is `deliveries_per_s=… baseline_per_s=… ratio=… p50_ms=… p99_ms=… failmix_x=…
 * hang_x=… rss_mb=…` (see report.ts): a value whose scenario was left out by --only (ratio: the
 * baseline or (a); p50/p99: (b); failmix_x: (b) or (d); hang_x: (b) or (g); rss_mb: (f)) or did not
 * complete is NaN.
 */
import 'reflect-metadata';
import Redis from 'ioredis';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Pool } from 'pg';
import { ensureDatabase, runMigrations } from '../src/database/migrate';
import { getTestPki } from '../tools/pki/test-ca';
import { Env, failures, log, results, scenario } from './lib/harness';
import { FULL, Options, SMOKE, Scenario, parseArgs, scaled, withHistoryRows } from './lib/options';
import {
  buildPlatform,
  startDriver,
  startPlatform,
  stopDriver,
  stopPlatform,
} from './lib/platform';
import { ROOT, TMP, spawnNode } from './lib/proc';
import { round } from './lib/stats';
import { goals, lastLine, printReport } from './report';
import { scenarioH } from './scenarios/backlog';
import { scenarioG } from './scenarios/hang';
import { scenarioJ } from './scenarios/fleet';
import { scenarioE } from './scenarios/history';
import { scenarioB, scenarioC, scenarioD } from './scenarios/latency';
import { scenarioI } from './scenarios/ordered';
import { runBaseline, scenarioA, scenarioF } from './scenarios/throughput';

/** Receiver ports: one origin per simulated customer (and one more for hanging endpoints). */
const RECEIVER_PORTS = 10;
/** Shrunk so that (d)'s failing deliveries go through all four attempts within the run. */
const RETRY_SCHEDULE = '1,2,4';

let interrupted = false;

interface Setup {
  runId: string;
  databaseUrl: string;
  postgres: { fsync: string; sc: string; version: string };
}

/** A fresh database, migrated (auto_explain on it with --explain), on a server that fsyncs. */
async function createDatabase(opts: Options, runId: string): Promise<Setup> {
  const base = new URL(
    process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  );
  base.pathname = `/zorio_bench_${runId}`;
  const databaseUrl = base.toString();
  const name = base.pathname.slice(1);
  await ensureDatabase(databaseUrl);
  await runMigrations(databaseUrl);
  const admin = new Pool({ connectionString: databaseUrl, max: 1 });
  try {
    if (opts.explainMs !== null) {
      await admin.query(`ALTER DATABASE "${name}" SET session_preload_libraries = 'auto_explain'`);
      await admin.query(
        `ALTER DATABASE "${name}" SET auto_explain.log_min_duration = ${Number(opts.explainMs)}`,
      );
      await admin.query(`ALTER DATABASE "${name}" SET auto_explain.log_analyze = on`);
      await admin.query(`ALTER DATABASE "${name}" SET auto_explain.log_buffers = on`);
    }
    const postgres = (
      await admin.query(
        `SELECT current_setting('fsync') AS fsync, current_setting('synchronous_commit') AS sc,
                current_setting('server_version') AS version`,
      )
    ).rows[0] as Setup['postgres'];
    if (postgres.fsync !== 'on' || postgres.sc !== 'on') {
      throw new Error(
        `PostgreSQL must run with fsync and synchronous_commit on (got ${postgres.fsync}, ${postgres.sc})`,
      );
    }
    return { runId, databaseUrl, postgres };
  } finally {
    await admin.end();
  }
}

function makeEnv(opts: Options, setup: Setup): Env {
  const { runId, databaseUrl } = setup;
  const redisUrl = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
  const redisPrefix = `zorio-bench-${runId}`;
  const pki = getTestPki();
  const adminEmail = 'bench@localhost';
  const adminPassword = randomBytes(18).toString('base64url');
  const receiver = spawnNode('receiver', join(ROOT, 'bench', 'receiver.ts'));
  return {
    opts,
    sizes: withHistoryRows(scaled(opts.smoke ? SMOKE : FULL, opts.scale), opts.historyRows),
    runId,
    databaseUrl,
    redisPrefix,
    pg: new Pool({ connectionString: databaseUrl, max: 3, application_name: 'zorio-bench' }),
    redis: new Redis(redisUrl, { maxRetriesPerRequest: 2 }),
    receiver,
    ports: [],
    hangPort: 0,
    caFile: pki.caFile,
    caPem: pki.caCertPem,
    adminEmail,
    adminPassword,
    children: [receiver],
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
      // (d) and (g) keep their failing webhook failing instead of suspending it after 50 dead
      // letters.
      WEBHOOK_SUSPEND_AFTER: '1000000000',
      LOG_LEVEL: 'info',
      // Everything else at its default, whatever a .env or the caller's environment says.
      NODE_ENV: '',
      COOKIE_SECURE: '',
      TENANT_ID: '',
      WEBHOOK_TIMEOUT_MS: '',
      WEBHOOK_MAX_IN_FLIGHT: '',
      DELIVERY_RETENTION_DAYS: '',
      PBX_ESL_HOST: '',
      PBX_ESL_PORT: '',
      PBX_ESL_PASSWORD: '',
    },
  };
}

async function startReceiver(env: Env): Promise<void> {
  const pki = getTestPki();
  await env.receiver.rpc.once('ready', 60_000);
  const ports = await env.receiver.rpc.call<number[]>('start', {
    ports: RECEIVER_PORTS + 1,
    certPem: pki.server.certPem,
    keyPem: pki.server.keyPem,
  });
  env.ports = ports.slice(0, RECEIVER_PORTS);
  env.hangPort = ports[RECEIVER_PORTS];
}

/** The scenarios, in order: one `all` process for most, then `api` + `worker` for (f) and (e). */
async function runScenarios(env: Env): Promise<void> {
  const want = (s: Scenario) => env.opts.only.has(s);
  if (want('baseline')) await scenario('baseline', () => runBaseline(env));
  const onAll: [Scenario, typeof scenarioA][] = [
    ['a', scenarioA],
    ['i', scenarioI],
    ['b', scenarioB],
    ['c', scenarioC],
    ['d', scenarioD],
    ['g', scenarioG],
    ['h', scenarioH],
  ];
  if (onAll.some(([s]) => want(s))) {
    log('starting the platform: one process, role all');
    const p = await startPlatform(env, ['all']);
    const driver = await startDriver(env);
    for (const [name, run] of onAll) {
      if (want(name)) await scenario(name, () => run(env, p, driver));
    }
    await stopDriver(env, driver);
    await stopPlatform(env, p);
  }
  if (want('e') || want('f')) {
    log('starting the platform: one api process and one worker process');
    const p = await startPlatform(env, ['api', 'worker']);
    if (want('f')) {
      const driver = await startDriver(env);
      await scenario('f', () => scenarioF(env, p, driver));
      await stopDriver(env, driver);
    }
    if (want('e')) await scenario('e', () => scenarioE(env, p));
    await stopPlatform(env, p);
  }
  if (want('j')) await scenario('j', () => runFleet(env));
}

/** (j) on a platform of its own: `apis` api and `workers` worker processes. */
async function runFleet(env: Env): Promise<Record<string, unknown>> {
  const { apis, workers } = env.sizes.j;
  log(`starting the platform: ${apis} api and ${workers} worker processes`);
  const roles = [
    ...Array.from({ length: apis }, () => 'api' as const),
    ...Array.from({ length: workers }, () => 'worker' as const),
  ];
  const p = await startPlatform(env, roles);
  try {
    const driver = await startDriver(env);
    const r = await scenarioJ(env, p, driver);
    await stopDriver(env, driver);
    return r;
  } finally {
    await stopPlatform(env, p);
  }
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  const started = performance.now();
  mkdirSync(join(TMP, 'prof'), { recursive: true });
  const runId = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  log(
    `run ${runId}: database zorio_bench_${runId}, Redis prefix zorio-bench-${runId}${opts.smoke ? ' (smoke)' : ''}`,
  );
  const tBuild = performance.now();
  buildPlatform();
  log(`compiled the platform in ${((performance.now() - tBuild) / 1000).toFixed(1)} s`);
  const setup = await createDatabase(opts, runId);
  const env = makeEnv(opts, setup);

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
    await startReceiver(env);
    results.machine = {
      cpus: cpus().length,
      model: cpus()[0]?.model ?? 'unknown',
      memoryGb: round(totalmem() / 1073741824, 1),
      node: process.version,
      postgres: setup.postgres.version,
      fsync: setup.postgres.fsync,
      synchronousCommit: setup.postgres.sc,
    };
    results.sizes = env.sizes;
    results.smoke = opts.smoke;
    await runScenarios(env);
  } finally {
    if (!interrupted) {
      await Promise.all(env.children.map((c) => c.stop(20_000)));
      await cleanup(env, opts.keep);
    }
  }
  finish(opts, started);
}

function finish(opts: Options, started: number): void {
  const line = lastLine();
  results.goals = goals();
  results.failures = failures;
  results.seconds = round((performance.now() - started) / 1000, 1);
  results.line = line;
  writeFileSync(join(ROOT, 'bench', 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`\n${printReport(opts)}\n`);
  if (failures.length) {
    process.stdout.write(
      `Guarantees violated or harness checks failed:\n- ${failures.join('\n- ')}\n`,
    );
  }
  log(`done in ${results.seconds as number} s; results in bench/results.json`);
  process.stdout.write(`${line}\n`);
  if (failures.length) process.exitCode = 1;
}

async function cleanup(env: Env, keep: boolean): Promise<void> {
  await env.pg.end();
  const redis = env.redis;
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `*${env.redisPrefix}*`, 'COUNT', 1000);
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
