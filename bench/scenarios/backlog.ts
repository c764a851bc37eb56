/**
 * (h) backlog: a paused webhook gets `backlog` deliveries (events only it subscribes to, published
 * in bulk while it is paused), then is resumed while (b)'s steady load runs on another webhook.
 * Measured: the healthy webhook's latency while the backlog drains (its p99 ÷ (b)'s), the time to
 * drain, and Redis memory before the backlog, at its peak while pending, and after.
 *
 * A platform that creates no delivery for a paused webhook (the pre-lanes one: "events published
 * while paused create no delivery") cannot build the backlog this way; the scenario says so after
 * a first probe batch, without failing the run.
 */
import { performance } from 'node:perf_hooks';
import type { EventName } from '../../src/events/catalogue';
import type { BulkArgs, PacedArgs } from '../driver';
import { waitUntil } from '../lib/admin';
import {
  Env,
  Hook,
  Platform,
  check,
  createHooks,
  drained,
  log,
  openDeliveries,
  received,
  report,
  sleep,
  verifyHook,
  lastUpdateWhere,
  type Scenario,
} from '../lib/harness';
import type { Child } from '../lib/proc';
import { MemoryPeak, prefixMemory, usedMemoryMb } from '../lib/redis-memory';
import { round } from '../lib/stats';

const BACKLOG_EVENT: EventName = 'telesales.lead.updated';
const LOAD_EVENT: EventName = 'autocall.lead.answered';
/** Events of the first batch, published before the rest to see whether the backlog builds. */
const PROBE_EVENTS = 100;
/** The healthy load runs this long before the resume, and at least this long after. */
const LEAD_IN_MS = 2_000;

export const scenarioH: Scenario = async (env, p, driver) => {
  const { backlog, rate } = env.sizes.h;
  const [held] = await createHooks(env, p.admin, 'hb', BACKLOG_EVENT, 1);
  const [healthy] = await createHooks(env, p.admin, 'h', LOAD_EVENT, 1, { portOffset: 1 });
  await p.admin.pauseWebhook(held.id);
  const before = await redisNow(env);
  const peak = new MemoryPeak(env.redis).start();
  try {
    log(`h: ${backlog} deliveries to a paused webhook`);
    const t0 = performance.now();
    const probe = Math.min(PROBE_EVENTS, backlog);
    const probed = await publishBacklog(env, driver, held, probe, probe);
    if (probed < probe) {
      const reason = `the platform created ${probed} deliveries for ${probe} events to a paused webhook`;
      log(`h: not supported: ${reason}`);
      await p.admin.deleteWebhook(held.id);
      return { supported: false, reason };
    }
    await publishBacklog(env, driver, held, backlog - probe, backlog);
    const fanOutSeconds = round((performance.now() - t0) / 1000, 1);
    const pending = await redisNow(env);
    log(`h: ${backlog} deliveries pending after ${fanOutSeconds} s`);
    const drain = await drainUnderLoad(env, p, driver, held, healthy);
    const peakMb = peak.stop();
    const after = await redisNow(env);
    const rec = await report(env, 'h');
    const latency = rec.modes.ok?.latency;
    log(
      `h: drained in ${drain.drainSeconds} s; healthy p50 ${latency?.p50} ms, p99 ${latency?.p99} ms; ` +
        `Redis used_memory ${before.mb} MB before, ${pending.mb} pending, peak ${peakMb}, after ${after.mb}`,
    );
    return {
      supported: true,
      backlog,
      fanOutSeconds,
      drainSeconds: drain.drainSeconds,
      drainPerSecond: round(backlog / drain.drainSeconds, 0),
      resumeRequestSeconds: drain.resumeSeconds,
      rate,
      published: drain.published,
      healthyLatencyMs: latency,
      timeline: rec.timeline,
      redis: {
        usedMemoryMb: { before: before.mb, pending: pending.mb, peak: peakMb, after: after.mb },
        growthMb: round(Math.max(pending.mb, peakMb) - before.mb),
        prefixKeys: { before: before.keys, pending: pending.keys, after: after.keys },
      },
      verification: { backlog: drain.backlogVerification, healthy: drain.healthyVerification },
    };
  } finally {
    peak.stop();
  }
};

/** Redis now: the server's used_memory and what the run's own keys hold. */
async function redisNow(env: Env) {
  return {
    mb: await usedMemoryMb(env.redis),
    keys: await prefixMemory(env.redis, env.redisPrefix),
  };
}

/** Publishes `count` events for the paused webhook; returns its deliveries once all are relayed. */
async function publishBacklog(
  env: Env,
  driver: Child,
  held: Hook,
  count: number,
  total: number,
): Promise<number> {
  if (count > 0) {
    await driver.rpc.call('publishBulk', {
      event: BACKLOG_EVENT,
      count,
      batch: 500,
      concurrency: 2,
    } satisfies BulkArgs);
  }
  // Fan-out marks an event published in the transaction that inserts its deliveries: once no
  // event is unpublished, the count of deliveries is final.
  return waitUntil(
    async () => {
      const r = (
        await env.pg.query(
          `SELECT (SELECT count(*) FROM deliveries WHERE webhook_id = $1)::int AS rows,
                  (SELECT count(*) FROM outbox_events
                    WHERE published_at IS NULL AND event_name = $2)::int AS unpublished`,
          [held.id, BACKLOG_EVENT],
        )
      ).rows[0] as { rows: number; unpublished: number };
      return r.rows >= total || r.unpublished === 0 ? r.rows : null;
    },
    {
      timeoutMs: Math.max(120_000, total * 2),
      intervalMs: 250,
      what: `${total} backlog deliveries`,
    },
  );
}

/** Resumes the paused webhook while (b)'s load runs on the healthy one; waits until both drain. */
async function drainUnderLoad(env: Env, p: Platform, driver: Child, held: Hook, healthy: Hook) {
  const { backlog, rate, drainTimeoutSeconds } = env.sizes.h;
  const loading = driver.rpc.call<{ published: number }>('publishPaced', {
    event: LOAD_EVENT,
    rate,
    seconds: drainTimeoutSeconds + 60,
  } satisfies PacedArgs);
  let drainSeconds: number;
  let resumeSeconds: number;
  try {
    await sleep(LEAD_IN_MS);
    const resumedAt = Date.now();
    const resuming = p.admin.resumeWebhook(held.id).then(() => (Date.now() - resumedAt) / 1000);
    await waitUntil(async () => (await openDeliveries(env, held.id)) === 0, {
      timeoutMs: drainTimeoutSeconds * 1000,
      intervalMs: 250,
      what: `the backlog of ${backlog} deliveries to drain`,
    });
    drainSeconds = round(((await lastUpdateOf(env, held.id)) - resumedAt) / 1000, 2);
    resumeSeconds = round(await resuming, 2);
    const ran = Date.now() - resumedAt;
    if (ran < LEAD_IN_MS) await sleep(LEAD_IN_MS - ran);
  } finally {
    await driver.rpc.call('stopPaced');
  }
  const { published } = await loading;
  await waitUntil(async () => (await received(env, 'h', 'ok')) >= published, {
    timeoutMs: 60_000,
    what: `${published} healthy deliveries at the receiver (h)`,
  });
  await drained(env, LOAD_EVENT, 60_000);
  const { backlogV, healthyV } = await verifyDrained(env, held, healthy, published);
  await env.receiver.rpc.call('reset', { tag: 'hb' });
  return {
    drainSeconds,
    resumeSeconds,
    published,
    backlogVerification: backlogV,
    healthyVerification: healthyV,
  };
}

/** Every backlog and healthy delivery succeeded with one attempt, seen once by the receiver. */
async function verifyDrained(env: Env, held: Hook, healthy: Hook, published: number) {
  const { backlog } = env.sizes.h;
  const backlogV = await verifyHook(env, held.id);
  const healthyV = await verifyHook(env, healthy.id);
  const recHeld = await report(env, 'hb');
  check(
    backlogV.deliveries === backlog,
    `h: ${backlogV.deliveries} backlog deliveries, expected ${backlog}`,
  );
  check(
    backlogV.byStatus.succeeded === backlog,
    `h: backlog statuses ${JSON.stringify(backlogV.byStatus)}`,
  );
  check(
    backlogV.attempts === backlog,
    `h: ${backlogV.attempts} backlog attempts, expected ${backlog}`,
  );
  check(recHeld.distinct === backlog, `h: receiver saw ${recHeld.distinct} backlog deliveries`);
  check(recHeld.badSignatures === 0, `h: ${recHeld.badSignatures} bad signatures (backlog)`);
  check(
    healthyV.deliveries === published,
    `h: ${healthyV.deliveries} healthy deliveries of ${published}`,
  );
  check(
    healthyV.byStatus.succeeded === published,
    `h: healthy statuses ${JSON.stringify(healthyV.byStatus)}`,
  );
  check(
    healthyV.attempts === published,
    `h: ${healthyV.attempts} healthy attempts of ${published}`,
  );
  for (const v of [backlogV, healthyV]) {
    check(v.attemptCountMismatches === 0, `h: attempt_count ≠ recorded attempts`);
    check(v.distinctPairs === v.deliveries, `h: ${v.distinctPairs} distinct (event, webhook)`);
  }
  return { backlogV, healthyV };
}

/** When a webhook's last delivery reached its final state (epoch ms). */
function lastUpdateOf(env: Env, webhookId: string): Promise<number> {
  return lastUpdateWhere(env, 'webhook_id', webhookId);
}
