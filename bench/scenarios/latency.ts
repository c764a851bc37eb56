/** (b), (c) and (d): latency from publish to the receiver at a steady rate, and fan-out to many. */
import type { EventName } from '../../src/events/catalogue';
import type { PacedArgs } from '../driver';
import type { TagReport } from '../receiver';
import { type Resources, platformAccounting } from '../lib/accounting';
import { waitUntil } from '../lib/admin';
import {
  Env,
  Platform,
  Verification,
  check,
  createHooks,
  drained,
  log,
  received,
  report,
  verify,
  type Scenario,
} from '../lib/harness';
import type { Child } from '../lib/proc';

export async function paced(
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
  await createHooks(env, p.admin, tag, event, modes.length, { mode: (i) => modes[i] });
  const acct = platformAccounting(env, p, driver);
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

export const scenarioB: Scenario = async (env, p, driver) => {
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
};

export const scenarioD: Scenario = async (env, p, driver) => {
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
};

async function deadLetterAudits(env: Env): Promise<number> {
  const r = (
    await env.pg.query(
      `SELECT count(*)::int AS n FROM audit_log WHERE action = 'delivery.dead_lettered'`,
    )
  ).rows[0] as { n: number };
  return r.n;
}

export const scenarioC: Scenario = async (env, p, driver) => {
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
};
