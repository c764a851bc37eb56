/**
 * (j) many processes: `apis` api and `workers` worker processes on one PostgreSQL and Redis, load
 * through the domain API (Telesales lead imports with machine tokens, spread over the api
 * processes), deliveries to the receiver. Half-way one worker is killed with SIGKILL: every
 * delivery must still arrive, and only what was claimed and unrecorded at the kill may arrive
 * twice, under the same delivery id. (i) is the ordered-lanes scenario, hence the letter j.
 */
import { request } from 'undici';
import type { EventName } from '../../src/events/catalogue';
import type { ImportArgs, ImportResult } from '../driver';
import { Accounting, Snapshot, platformAccounting } from '../lib/accounting';
import { waitUntil } from '../lib/admin';
import {
  Env,
  Platform,
  check,
  createHooks,
  lastUpdateWhere,
  log,
  receivedDistinct,
  report,
  results,
  sleep,
  verifyHook,
  Verification,
  Hook,
} from '../lib/harness';
import type { Child } from '../lib/proc';
import { round } from '../lib/stats';

const EVENT: EventName = 'telesales.lead.created';
const TAG = 'j';
/** Imports in flight at once (one campaign each: an import locks its campaign). */
const CAMPAIGNS = 4;
/** Requests per token and minute the bench stays under (the telesales budget is 120). */
const REQUESTS_PER_TOKEN = 100;

interface Load {
  tokens: string[];
  campaignIds: number[];
}

/** Machine tokens and campaigns for the import load. */
async function prepareLoad(env: Env, p: Platform, requests: number): Promise<Load> {
  const tokens: string[] = [];
  const wanted = Math.max(p.apiUrls.length, Math.ceil(requests / REQUESTS_PER_TOKEN) + 1);
  for (let i = 0; i < wanted; i++) {
    const r = await p.admin.post<{ token: string }>('/api/admin/api-tokens', {
      name: `bench j ${i}`,
      scopes: ['telesales_api_access'],
    });
    tokens.push(r.token);
  }
  const campaignIds: number[] = [];
  for (let i = 0; i < CAMPAIGNS; i++) {
    const res = await request(`${p.apiUrls[i % p.apiUrls.length]}/api/telesales/campaigns`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens[0]}` },
      body: JSON.stringify({ name: `bench j ${env.runId} ${i}`, dialer_mode: 'progressive' }),
    });
    const text = await res.body.text();
    if (res.statusCode !== 201) throw new Error(`campaign: ${res.statusCode} ${text}`);
    campaignIds.push((JSON.parse(text) as { data: { id: number } }).data.id);
  }
  return { tokens, campaignIds };
}

/** Delivery ids claimed and not yet recorded: what a worker killed now may have in flight. */
async function claimedNow(env: Env, hooks: Hook[]): Promise<string[]> {
  const rows = (
    await env.pg.query(
      `SELECT id FROM deliveries
        WHERE webhook_id = ANY($1::uuid[]) AND status IN ('pending', 'retrying')
          AND claimed_until > now()`,
      [hooks.map((h) => h.id)],
    )
  ).rows as { id: string }[];
  return rows.map((r) => r.id);
}

interface Kill {
  at: number;
  receivedAt: number;
  claimed: string[];
  /** Resources taken just before the kill (a dead process's CPU time can no longer be read). */
  snap: Snapshot;
}

/** Attempts a worker has made so far (its zorio_delivery_attempts_total, every label). */
async function attemptsOf(metricsUrl: string): Promise<number> {
  const res = await request(metricsUrl);
  const text = await res.body.text();
  let n = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith('zorio_delivery_attempts_total{')) n += Number(line.split(' ').pop());
  }
  return n;
}

/** The worker that sent the most in the last 200 ms: the likeliest to have requests open. */
async function busiestWorker(p: Platform): Promise<Child> {
  const before = await Promise.all(p.workersMetrics.map(attemptsOf));
  await sleep(200);
  const after = await Promise.all(p.workersMetrics.map(attemptsOf));
  let best = p.workers.length - 1;
  for (let i = 0; i < p.workers.length; i++) {
    if (after[i] - before[i] > after[best] - before[best]) best = i;
  }
  log(
    `j: attempts in the last 200 ms per worker: ${after.map((a, i) => a - before[i]).join(', ')}`,
  );
  return p.workers[best];
}

/** Waits until half of the deliveries arrived, then SIGKILLs the busiest worker. */
async function killHalfWay(
  env: Env,
  acct: Accounting,
  hooks: Hook[],
  p: Platform,
  expected: number,
  t0: number,
): Promise<Kill & { victim: Child }> {
  const receivedAt = await waitUntil(
    async () => {
      const n = await receivedDistinct(env, TAG);
      return n >= expected / 2 ? n : null;
    },
    { timeoutMs: Math.max(120_000, (expected / 300) * 1000), intervalMs: 20, what: 'half-way' },
  );
  const victim = await busiestWorker(p);
  const snap = await acct.snap();
  victim.proc.kill('SIGKILL');
  const at = Date.now();
  // A dead worker records nothing: its claims stay open until they expire (seconds from now).
  const claimed = await claimedNow(env, hooks);
  log(
    `j: killed ${victim.label} (SIGKILL) after ${((at - t0) / 1000).toFixed(1)} s with ` +
      `${receivedAt} of ${expected} received; ${claimed.length} deliveries claimed and unrecorded`,
  );
  return { at, receivedAt, claimed, snap, victim };
}

/** The warm-up: connections, JIT and pools, not measured (but verified with the rest). */
async function warmUp(env: Env, driver: Child, args: ImportArgs, hooks: Hook[]) {
  await driver.rpc.call<ImportResult>('importLeads', args);
  await waitUntil(async () => (await receivedDistinct(env, TAG)) >= args.count * hooks.length, {
    timeoutMs: 60_000,
    what: 'warm-up deliveries (j)',
  });
  await drainedHooks(env, hooks, 60_000);
  await env.receiver.rpc.call('reset', { tag: TAG });
}

/**
 * Every delivery of these webhooks final and no event of (j) unpublished. Only its own webhooks:
 * (e)'s generated history holds deliveries of the same event that stay open all run.
 */
async function drainedHooks(env: Env, hooks: Hook[], timeoutMs: number): Promise<void> {
  await waitUntil(
    async () => {
      const r = (
        await env.pg.query(
          `SELECT (SELECT count(*) FROM outbox_events
                    WHERE published_at IS NULL AND event_name = $1)::int
                + (SELECT count(*) FROM deliveries
                    WHERE status IN ('pending', 'retrying') AND webhook_id = ANY($2::uuid[]))::int
                  AS open`,
          [EVENT, hooks.map((h) => h.id)],
        )
      ).rows[0] as { open: number };
      return r.open === 0;
    },
    { timeoutMs, intervalMs: 100, what: `(j)'s deliveries to be final` },
  );
}

/** When the last delivery of these webhooks reached its final state (ms since the epoch). */
async function lastUpdateOf(env: Env, hooks: Hook[]): Promise<number> {
  const each = await Promise.all(hooks.map((h) => lastUpdateWhere(env, 'webhook_id', h.id)));
  return Math.max(...each);
}

/**
 * Earlier scenarios' webhooks on the same event ((c)'s) are deleted first, so (j) fans out to its
 * own webhooks only.
 */
async function deleteOtherHooks(p: Platform): Promise<number> {
  const list = await p.admin.timedGet<{ data: { id: string; events: string[] }[] }>(
    '/api/admin/webhooks',
  );
  const others = list.body.data.filter((w) => w.events.includes(EVENT));
  for (const w of others) await p.admin.deleteWebhook(w.id);
  return others.length;
}

/** The pipeline's guarantees over (j)'s webhooks, summed. */
async function verifyHooks(env: Env, hooks: Hook[]): Promise<Verification> {
  const sum: Verification = {
    events: 0,
    deliveries: 0,
    distinctPairs: 0,
    byStatus: {},
    attempts: 0,
    attemptCountMismatches: 0,
  };
  for (const h of hooks) {
    const v = await verifyHook(env, h.id);
    sum.deliveries += v.deliveries;
    sum.distinctPairs += v.distinctPairs;
    sum.attempts += v.attempts;
    sum.attemptCountMismatches += v.attemptCountMismatches;
    for (const [status, n] of Object.entries(v.byStatus)) {
      sum.byStatus[status] = (sum.byStatus[status] ?? 0) + n;
    }
    sum.events = Math.max(sum.events, v.events);
  }
  return sum;
}

/** Deliveries of these webhooks with an attempt recorded as failed (no 2xx answer). */
async function failedAttempts(env: Env, hooks: Hook[]): Promise<string[]> {
  const rows = (
    await env.pg.query(
      `SELECT DISTINCT a.delivery_id AS id FROM delivery_attempts a
         JOIN deliveries d ON d.id = a.delivery_id
        WHERE d.webhook_id = ANY($1::uuid[])
          AND (a.response_status IS NULL OR a.response_status NOT BETWEEN 200 AND 299)`,
      [hooks.map((h) => h.id)],
    )
  ).rows as { id: string }[];
  return rows.map((r) => r.id);
}

/** What the receiver and PostgreSQL say after the run, judged. */
async function judge(env: Env, hooks: Hook[], all: number, expected: number, kill: Kill) {
  const rec = await report(env, TAG);
  const v = await verifyHooks(env, hooks);
  check(v.deliveries === all, `j: ${v.deliveries} deliveries, expected ${all}`);
  check(v.distinctPairs === all, `j: ${v.distinctPairs} distinct (event, webhook)`);
  check(v.byStatus.succeeded === all, `j: statuses ${JSON.stringify(v.byStatus)}`);
  check(v.attempts >= all, `j: ${v.attempts} attempts recorded, expected at least ${all}`);
  check(rec.badSignatures === 0, `j: ${rec.badSignatures} bad signatures`);
  check(rec.distinct === expected, `j: receiver saw ${rec.distinct} of ${expected} deliveries`);
  const inFlight = new Set(kill.claimed);
  // An attempt recorded as failed (a timeout on a loaded machine) may have reached the receiver
  // all the same: its retry is the network's duplicate, not the kill's.
  const retried = new Set(await failedAttempts(env, hooks));
  const afterFailure = rec.repeatedIds.filter((id) => !inFlight.has(id) && retried.has(id));
  const unexplained = rec.repeatedIds.filter((id) => !inFlight.has(id) && !retried.has(id));
  check(
    unexplained.length === 0,
    `j: ${unexplained.length} deliveries arrived twice that were neither in flight at the kill ` +
      `nor retried after a failed attempt`,
  );
  check(
    rec.eventsUnderSeveralIds === 0,
    `j: ${rec.eventsUnderSeveralIds} events arrived at one webhook under several delivery ids`,
  );
  // A claim counts its attempt; the killed worker's claims never recorded theirs.
  check(
    v.attemptCountMismatches <= inFlight.size,
    `j: ${v.attemptCountMismatches} deliveries with attempt_count ≠ recorded attempts, ` +
      `more than the ${inFlight.size} claimed at the kill`,
  );
  return {
    rec,
    v,
    unexplained: unexplained.length,
    afterFailure: afterFailure.length,
    failedAttempts: retried.size,
  };
}

export async function scenarioJ(
  env: Env,
  p: Platform,
  driver: Child,
): Promise<Record<string, unknown>> {
  const { events, webhooks, batch, warmupEvents, slowMs } = env.sizes.j;
  const mode = slowMs > 0 ? 'slow' : 'ok';
  await env.receiver.rpc.call('slow', { ms: slowMs });
  await env.receiver.rpc.call('track', { tag: TAG });
  const deleted = await deleteOtherHooks(p);
  if (deleted) log(`j: deleted ${deleted} webhooks of earlier scenarios on ${EVENT}`);
  const hooks = await createHooks(env, p.admin, TAG, EVENT, webhooks, { mode: () => mode });
  const load = await prepareLoad(env, p, Math.ceil((events + warmupEvents) / batch));
  const importArgs = (count: number, firstPhone: number): ImportArgs => ({
    apiUrls: p.apiUrls,
    tokens: load.tokens,
    campaignIds: load.campaignIds,
    count,
    batch,
    firstPhone,
  });
  if (warmupEvents > 0) await warmUp(env, driver, importArgs(warmupEvents, 0), hooks);

  const expected = events * webhooks;
  const acct = platformAccounting(env, p, driver);
  log(
    `j: ${events} leads imported through ${p.apiUrls.length} api process(es) × ${webhooks} ` +
      `webhooks = ${expected} deliveries (${p.label}${slowMs ? `, receiver answers in ${slowMs} ms` : ''})`,
  );
  const s0 = await acct.snap();
  const t0 = Date.now();
  const importing = driver.rpc.call<ImportResult>('importLeads', importArgs(events, warmupEvents));
  const kill = await killHalfWay(env, acct, hooks, p, expected, t0);
  await waitUntil(async () => (await receivedDistinct(env, TAG)) >= expected, {
    timeoutMs: Math.max(180_000, (expected / 300) * 1000),
    intervalMs: 250,
    what: `${expected} deliveries at the receiver (j)`,
  });
  const imported = await importing;
  await drainedHooks(env, hooks, 60_000);
  const end = await lastUpdateOf(env, hooks);
  check(imported.created === events, `j: ${imported.created} of ${events} leads imported`);
  const {
    rec,
    v,
    unexplained,
    afterFailure,
    failedAttempts: failed,
  } = await judge(env, hooks, (events + warmupEvents) * webhooks, expected, kill);
  const res = await acct.between(s0, kill.snap, kill.receivedAt);
  const beforeKill = kill.receivedAt / ((kill.at - t0) / 1000);
  const overall = expected / ((end - t0) / 1000);
  res.seconds = round((kill.at - t0) / 1000, 2);
  const scaling = scalingOf(beforeKill, p.workers.length);
  log(
    `j: ${Math.round(beforeKill)} deliveries/s before the kill, ${Math.round(overall)} overall ` +
      `(last delivery ${((end - kill.at) / 1000).toFixed(1)} s after the kill); ` +
      `${rec.duplicates} re-sent (same id): ${rec.repeatedIds.length - afterFailure - unexplained} ` +
      `in flight at the kill, ${afterFailure} after a failed attempt, ${unexplained} unexplained; ` +
      `× (a) ${scaling.xA ?? 'n/a'}, efficiency ${scaling.efficiency ?? 'n/a'}`,
  );
  await env.receiver.rpc.call('reset', { tag: TAG });
  return {
    processes: p.label,
    apis: p.apiUrls.length,
    workers: p.workers.length,
    events,
    webhooks,
    deliveries: expected,
    perSecond: round(beforeKill, 0),
    overallPerSecond: round(overall, 0),
    seconds: round((end - t0) / 1000, 2),
    importSeconds: round(imported.seconds, 2),
    importsPerApi: imported.perApi,
    kill: {
      worker: kill.victim.label,
      afterSeconds: round((kill.at - t0) / 1000, 2),
      receivedBefore: kill.receivedAt,
      claimedUnrecorded: kill.claimed.length,
      lastDeliveryAfterSeconds: round((end - kill.at) / 1000, 2),
    },
    resent: rec.duplicates,
    resentDistinct: rec.repeatedIds.length,
    resentAfterFailedAttempt: afterFailure,
    deliveriesWithFailedAttempt: failed,
    resentUnexplained: unexplained,
    eventsUnderSeveralIds: rec.eventsUnderSeveralIds,
    ...scaling,
    latencyMs: rec.modes[mode]?.latency,
    resources: res,
    verification: v,
  };
}

/**
 * Throughput before the kill against (a) (one `all` process) and (f) (one api + one worker) of the
 * same run; efficiency = (j ÷ (a)) ÷ workers, 1 when each worker adds a whole (a).
 */
function scalingOf(perSecond: number, workers: number) {
  const a = (results.a as { perSecond?: number } | undefined)?.perSecond;
  const f = (results.f as { perSecond?: number } | undefined)?.perSecond;
  const xA = a ? round(perSecond / a, 2) : null;
  return {
    xA,
    xF: f ? round(perSecond / f, 2) : null,
    efficiency: xA === null ? null : round(xA / workers, 2),
  };
}
