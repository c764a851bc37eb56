/**
 * The same-run baseline, (a) and (f): a burst of events fanned out to many webhooks, timed until
 * every delivery is final; (i) is (a) with ordering on (see ordered.ts).
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { EventName } from '../../src/events/catalogue';
import type { BaselineArgs, BaselineResult } from '../baseline';
import type { BulkArgs } from '../driver';
import { Accounting, Sampler, platformAccounting } from '../lib/accounting';
import { waitUntil } from '../lib/admin';
import {
  Env,
  HookOptions,
  Platform,
  check,
  createHooks,
  drained,
  lastUpdate,
  log,
  received,
  report,
  sleep,
  verify,
  type Scenario,
} from '../lib/harness';
import { Child, ROOT, rssMb, spawnNode } from '../lib/proc';
import { round } from '../lib/stats';

/**
 * The baseline's worker concurrency: jobs in flight in its one BullMQ worker, the 64 slots of the
 * platform's shared deliveries queue before delivery lanes. A constant of the bench (not read from
 * the platform), so the ceiling it measures stays the same whatever the platform's design.
 */
const BASELINE_CONCURRENCY = 64;
/** Keep-alive connections per receiver origin in the baseline (the platform's sender default). */
const BASELINE_CONNECTIONS_PER_ORIGIN = 16;
/** The baseline's PostgreSQL pool. */
const BASELINE_POOL_SIZE = 20;
/** Consecutive events sharing an ordering key (a call's ringing, answered, hangup, CDR). */
export const EVENTS_PER_KEY = 4;
/** (f): how long the worker idles after the run before its RSS is read again. */
const SETTLE_MS = 15_000;

export async function runBaseline(env: Env): Promise<Record<string, unknown>> {
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
    concurrency: BASELINE_CONCURRENCY,
    connectionsPerOrigin: BASELINE_CONNECTIONS_PER_ORIGIN,
    poolSize: BASELINE_POOL_SIZE,
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

/** (a), (f) and (i): a burst of events fanned out to `webhooks` webhooks, timed until drained. */
export interface Burst {
  tag: string;
  event: EventName;
  events: number;
  webhooks: number;
  warmupEvents: number;
  /** How the webhooks are created (e.g. with ordering on). */
  hooks?: HookOptions;
}

/** Throughput of a burst (see Burst), with the pipeline's guarantees checked afterwards. */
export async function throughput(
  env: Env,
  p: Platform,
  driver: Child,
  burst: Burst,
): Promise<Record<string, unknown>> {
  const { tag, event, events, webhooks, warmupEvents } = burst;
  await createHooks(env, p.admin, tag, event, webhooks, burst.hooks);
  if (warmupEvents > 0) {
    // Connections, JIT and pools warm up first; not measured (but verified with the rest).
    await driver.rpc.call('publishBulk', {
      event,
      count: warmupEvents,
      batch: 100,
      concurrency: 1,
      eventsPerKey: EVENTS_PER_KEY,
    } satisfies BulkArgs);
    await waitUntil(async () => (await received(env, tag)) >= warmupEvents * webhooks, {
      timeoutMs: 60_000,
      what: `warm-up deliveries (${tag})`,
    });
    await drained(env, event, 60_000);
    await env.receiver.rpc.call('reset', { tag });
  }
  const expected = events * webhooks;
  const acct = platformAccounting(env, p, driver);
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
    eventsPerKey: EVENTS_PER_KEY,
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
    sequencedAtReceiver: rec.sequenced,
    outOfOrderAtReceiver: rec.outOfOrder,
    latencyMs: latency,
    rssMb: { before: round(rssBefore), after: round(rssMb(p.worker.pid)) },
    resources: res,
    verification: v,
    samples: sampler.points,
  };
}

export const scenarioA: Scenario = async (env, p, driver) => {
  const { events, webhooks, warmupEvents } = env.sizes.a;
  return throughput(env, p, driver, {
    tag: 'a',
    event: 'pbx.call.hangup',
    events,
    webhooks,
    warmupEvents,
  });
};

export const scenarioF: Scenario = async (env, p, driver) => {
  const { events, webhooks, warmupEvents } = env.sizes.f;
  const r = await throughput(env, p, driver, {
    tag: 'f',
    event: 'pbx.cdr.created',
    events,
    webhooks,
    warmupEvents,
  });
  const samples = r.samples as { t: number; rssMb: number; received: number }[];
  const expected = r.deliveries as number;
  const half = samples.find((s) => s.received >= expected / 2)?.rssMb ?? 0;
  const rss = r.rssMb as { before: number; after: number };
  const peak = Math.max(0, ...samples.map((s) => s.rssMb));
  // Idle again: V8 gives memory back some seconds after the load stops.
  await sleep(env.opts.smoke ? 2_000 : SETTLE_MS);
  const settled = round(rssMb(p.worker.pid));
  r.rssMb = { before: rss.before, half, after: rss.after, peak, settled };
  log(
    `f: worker RSS ${rss.before} MB before, ${half} MB half-way, ${rss.after} MB after ` +
      `(peak ${peak} MB), ${settled} MB after ${SETTLE_MS / 1000} s idle`,
  );
  return r;
};
