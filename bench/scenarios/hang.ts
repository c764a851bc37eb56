/**
 * (g) hanging neighbour: (b)'s steady rate to a healthy webhook while a second webhook on the same
 * events points at an endpoint that accepts the connection, reads the request and never answers.
 * The healthy webhook's latency is measured at the receiver as in (b); `hang_x` is its p99 ÷ (b)'s.
 */
import type { EventName } from '../../src/events/catalogue';
import type { PacedArgs } from '../driver';
import { waitUntil } from '../lib/admin';
import {
  Env,
  Hook,
  Platform,
  Verification,
  check,
  createHooks,
  drained,
  latencies,
  log,
  received,
  report,
  verifyHook,
  type Scenario,
} from '../lib/harness';
import { summarize } from '../lib/stats';

const EVENT: EventName = 'autocall.lead.dialed';

export const scenarioG: Scenario = async (env, p, driver) => {
  const { rate, seconds, graceSeconds } = env.sizes.g;
  const [healthy, hanging] = await createHooks(env, p.admin, 'g', EVENT, 2, {
    mode: (i) => (i === 0 ? 'ok' : 'hang'),
  });
  log(`g: ${rate} events/s for ${seconds} s to a healthy webhook and one that never answers`);
  const r = await driver.rpc.call<{ published: number }>('publishPaced', {
    event: EVENT,
    rate,
    seconds,
  } satisfies PacedArgs);
  const complete = await waitUntil(async () => (await received(env, 'g', 'ok')) >= r.published, {
    timeoutMs: graceSeconds * 1000,
    intervalMs: 100,
    what: 'the healthy deliveries',
  }).catch(() => false);
  const arrived = await latencies(env, 'g', 'ok');
  // Healthy deliveries still missing at the deadline count with their age: a lower bound.
  const late = complete ? [] : await missingAges(env, healthy.id, r.published - arrived.length);
  const latency = summarize([...arrived, ...late]);
  const atDeadline = await report(env, 'g');
  const hangAttempts = atDeadline.modes.hang?.count ?? 0;
  log(
    `g: healthy p50 ${latency.p50} ms, p99 ${latency.p99} ms` +
      (complete ? '' : ` (${late.length} of ${r.published} not arrived after ${graceSeconds} s)`) +
      `; hanging endpoint: ${hangAttempts} requests, at most ${atDeadline.maxHeld} open at once`,
  );

  const v = await removeHangingAndVerify(env, p, healthy, hanging, r.published);
  return {
    rate,
    seconds,
    published: r.published,
    healthyLatencyMs: latency,
    healthyArrivedWithinGrace: arrived.length,
    healthyCensored: late.length,
    graceSeconds,
    hanging: {
      requests: hangAttempts,
      maxOpenAtOnce: atDeadline.maxHeld,
      afterDeleteByStatus: await hangingStatuses(env, healthy.id),
    },
    timeline: atDeadline.timeline,
    verification: v,
  };
};

/**
 * The hanging webhook goes (its backlog is cancelled) and its connections are closed; then every
 * healthy delivery must have succeeded once.
 */
async function removeHangingAndVerify(
  env: Env,
  p: Platform,
  healthy: Hook,
  hanging: Hook,
  published: number,
): Promise<Verification> {
  await p.admin.deleteWebhook(hanging.id);
  await env.receiver.rpc.call('release', { tag: 'g' });
  await drained(env, EVENT, 120_000);
  await waitUntil(async () => (await received(env, 'g', 'ok')) >= published, {
    timeoutMs: 30_000,
    what: 'every healthy delivery at the receiver',
  });
  const rec = await report(env, 'g');
  const v = await verifyHook(env, healthy.id);
  check(v.deliveries === published, `g: ${v.deliveries} healthy deliveries of ${published}`);
  check(v.distinctPairs === published, `g: ${v.distinctPairs} distinct (event, webhook)`);
  check((v.byStatus.succeeded ?? 0) === published, `g: statuses ${JSON.stringify(v.byStatus)}`);
  check(v.attempts === published, `g: ${v.attempts} healthy attempts, expected ${published}`);
  check(v.attemptCountMismatches === 0, `g: attempt_count ≠ recorded attempts`);
  check(rec.badSignatures === 0, `g: ${rec.badSignatures} bad signatures`);
  check(rec.duplicates === 0, `g: ${rec.duplicates} duplicate healthy deliveries`);
  return v;
}

/**
 * Ages (ms since the event's timestamp) of the `count` oldest events a webhook has not received
 * (not recorded as succeeded; one just arriving may be recorded a moment later, hence the count).
 */
async function missingAges(env: Env, webhookId: string, count: number): Promise<number[]> {
  if (count <= 0) return [];
  const rows = (
    await env.pg.query(
      `SELECT (extract(epoch FROM clock_timestamp() - o.occurred_at) * 1000)::float8 AS ms
         FROM outbox_events o
        WHERE o.event_name = $1
          AND NOT EXISTS (SELECT 1 FROM deliveries d
                           WHERE d.event_id = o.id AND d.webhook_id = $2 AND d.status = 'succeeded')
        ORDER BY o.occurred_at LIMIT $3`,
      [EVENT, webhookId, count],
    )
  ).rows as { ms: number }[];
  return rows.map((r) => r.ms);
}

/** What became of the hanging webhook's deliveries (every other delivery of the event). */
async function hangingStatuses(env: Env, healthyId: string): Promise<Record<string, number>> {
  const rows = (
    await env.pg.query(
      `SELECT status, count(*)::int AS n FROM deliveries
        WHERE event = $1 AND webhook_id IS DISTINCT FROM $2 GROUP BY status`,
      [EVENT, healthyId],
    )
  ).rows as { status: string; n: number }[];
  return Object.fromEntries(rows.map((r) => [r.status, r.n]));
}
