/** (e): the console's delivery history over a large generated table. */
import { performance } from 'node:perf_hooks';
import { EVENT_NAMES } from '../../src/events/catalogue';
import { Env, Platform, createHooks, log } from '../lib/harness';
import { LatencySummary, round, summarize } from '../lib/stats';

/** Webhooks that own (e)'s generated history. */
const HISTORY_WEBHOOKS = 50;

/** (e): history over generated rows. */
export async function scenarioE(env: Env, p: Platform): Promise<Record<string, unknown>> {
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
