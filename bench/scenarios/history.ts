/**
 * (e): the console's delivery history over a large generated history (history-load.ts): every
 * query the console makes, each timed on its own — the list unfiltered, by status, webhook,
 * event, ordering key, a day, their combinations, the next pages by keyset cursor, a delivery's
 * detail with its attempts, and the webhooks page (last delivery and 24 h success rate).
 */
import type { AdminClient } from '../lib/admin';
import { Env, Platform, createHooks, log } from '../lib/harness';
import { LatencySummary, round, summarize } from '../lib/stats';
import { RARE_EVENTS, loadHistory } from './history-load';
import { retentionOfADay } from './retention';

/** Webhooks that own (e)'s generated history. */
const HISTORY_WEBHOOKS = 50;
/** The default retention window: the oldest day partly filled, the next one whole. */
const HISTORY_DAYS = 30;
/** The console's page size. */
const PAGE = 50;

type Page = { data: { id: string }[]; next_cursor: string | null };

interface Kind {
  name: string;
  query: (k: number) => string;
}

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
  log(`e: generating ${rows} deliveries and their attempts over ${HISTORY_DAYS} days`);
  const loaded = await loadHistory(env.pg, {
    rows,
    days: HISTORY_DAYS,
    webhookIds: owners.map((o) => o.id),
  });
  const size = await tableSizes(env);
  log(
    `e: ${loaded.deliveries} deliveries and ${loaded.attempts} attempts in ` +
      `${loaded.loadSeconds.toFixed(1)} s (+ ANALYZE ${loaded.analyzeSeconds.toFixed(1)} s); ` +
      `deliveries ${size.deliveries.total} MB, attempts ${size.attempts.total} MB`,
  );
  const kinds = await queryKinds(
    env,
    owners.map((o) => o.id),
  );
  const t = await timeQueries(p.admin, kinds, env.sizes.e.repeats);
  const overall = summarize(t.all);
  const slowest = Object.entries(t.perKind).sort((a, b) => b[1].p95 - a[1].p95)[0];
  log(
    `e: ${overall.n} requests, p50 ${overall.p50} ms, p95 ${overall.p95} ms, max ${overall.max} ms; ` +
      `slowest p95: ${slowest[0]} ${slowest[1].p95} ms`,
  );
  // Last: it drops the two oldest days of the history.
  const retention = await retentionOfADay(env, owners[0].id);
  return {
    generatedRows: rows,
    deliveries: loaded.deliveries,
    attempts: loaded.attempts,
    loadSeconds: round(loaded.loadSeconds, 1),
    vacuumAnalyzeSeconds: round(loaded.analyzeSeconds, 1),
    tableMb: size,
    requests: overall.n,
    latencyMs: overall,
    slowestKind: { name: slowest[0], p95: slowest[1].p95 },
    perKind: t.perKind,
    retention,
  };
}

async function tableSizes(env: Env) {
  const mb = (v: number) => round(v / 1048576, 0);
  const of = async (table: string) => {
    // A partitioned table's size is its partitions' (a plain table is its own only one).
    const r = (
      await env.pg.query(
        `SELECT sum(pg_total_relation_size(relid))::float8 AS total,
                sum(pg_relation_size(relid))::float8 AS heap,
                sum(pg_indexes_size(relid))::float8 AS indexes
           FROM (SELECT relid FROM pg_partition_tree($1::regclass)
                 UNION SELECT $1::regclass) t`,
        [table],
      )
    ).rows[0] as { total: number; heap: number; indexes: number };
    return { heap: mb(r.heap), indexes: mb(r.indexes), total: mb(r.total) };
  };
  return { deliveries: await of('deliveries'), attempts: await of('delivery_attempts') };
}

/** The console's filters, with values picked from the generated history. */
async function queryKinds(env: Env, owners: string[]): Promise<Kind[]> {
  const hooks = (
    await env.pg.query(
      `SELECT webhook_id AS id, count(*)::int AS n FROM deliveries
        WHERE webhook_id = ANY($1::uuid[]) GROUP BY webhook_id ORDER BY count(*) DESC`,
      [owners],
    )
  ).rows as { id: string; n: number }[];
  const big = hooks.slice(0, 5).map((h) => h.id);
  const small = hooks.slice(-5).map((h) => h.id);
  // Keys of calls and leads from every part of the window (a key's deliveries are a few rows).
  const keys = (
    await env.pg.query(
      `SELECT (SELECT ordering_key FROM deliveries
                WHERE webhook_id = ANY($1::uuid[]) AND ordering_key ~ '^(call|lead):'
                  AND created_at < now() - make_interval(hours => k * 30)
                ORDER BY created_at DESC LIMIT 1) AS key
         FROM generate_series(0, 19) AS k`,
      [owners],
    )
  ).rows.filter((r: { key: string | null }) => r.key !== null) as { key: string }[];
  const common = ['pbx.call.hangup', 'telesales.lead.updated', 'autocall.lead.dialed'];
  const day = (k: number) => {
    const from = new Date(Date.now() - (3 + (k % 20)) * 86_400_000);
    return `from=${from.toISOString()}&to=${new Date(from.getTime() + 86_400_000).toISOString()}`;
  };
  const pick = <T>(list: T[], k: number) => list[k % list.length];
  return [
    { name: 'newest', query: () => '' },
    { name: 'webhook (large)', query: (k) => `webhook_id=${pick(big, k)}` },
    { name: 'webhook (small)', query: (k) => `webhook_id=${pick(small, k)}` },
    { name: 'status=dead_letter', query: () => 'status=dead_letter' },
    { name: 'status=retrying', query: () => 'status=retrying' },
    { name: 'status=cancelled', query: () => 'status=cancelled' },
    { name: 'event (common)', query: (k) => `event=${pick(common, k)}` },
    { name: 'event (rare)', query: (k) => `event=${pick(RARE_EVENTS, k)}` },
    {
      name: 'ordering key',
      query: (k) => `ordering_key=${encodeURIComponent(pick(keys, k).key)}`,
    },
    { name: 'webhook+dead_letter', query: (k) => `webhook_id=${pick(big, k)}&status=dead_letter` },
    { name: 'webhook+event', query: (k) => `webhook_id=${pick(big, k)}&event=${pick(common, k)}` },
    { name: 'one day', query: (k) => day(k) },
    { name: 'webhook+one day', query: (k) => `webhook_id=${pick(big, k)}&${day(k)}` },
    { name: 'dead_letter+event', query: (k) => `status=dead_letter&event=${pick(common, k)}` },
  ];
}

/**
 * Each kind `repeats` times (after one untimed round), its pages 2 and 3 by cursor timed as
 * "next page (keyset)", the detail of a delivery of each first page, and the webhooks page.
 */
async function timeQueries(admin: AdminClient, kinds: Kind[], repeats: number) {
  const get = (q: string) => admin.timedGet<Page>(`/api/admin/deliveries?limit=${PAGE}${q}`);
  const times = new Map<string, number[]>();
  const add = (name: string, ms: number) => {
    const list = times.get(name) ?? [];
    list.push(ms);
    times.set(name, list);
  };
  const ids: string[] = [];
  for (const k of kinds) await get(k.query(0) ? `&${k.query(0)}` : '');
  for (const kind of kinds) {
    for (let i = 0; i < repeats; i++) {
      const q = kind.query(i) ? `&${kind.query(i)}` : '';
      const first = await get(q);
      add(kind.name, first.ms);
      const rows = first.body.data;
      if (rows.length) ids.push(rows[(i * 7) % rows.length].id);
      let cursor = first.body.next_cursor;
      for (let page = 2; page <= 3 && cursor; page++) {
        const next = await get(`${q}&cursor=${encodeURIComponent(cursor)}`);
        add('next page (keyset)', next.ms);
        cursor = next.body.next_cursor;
      }
    }
  }
  for (const id of ids)
    add('detail (with attempts)', (await admin.timedGet(`/api/admin/deliveries/${id}`)).ms);
  await admin.timedGet('/api/admin/webhooks');
  for (let i = 0; i < repeats; i++)
    add('webhooks page (stats)', (await admin.timedGet('/api/admin/webhooks')).ms);
  const perKind: Record<string, LatencySummary> = {};
  const all: number[] = [];
  for (const [name, list] of times) {
    perKind[name] = summarize(list);
    all.push(...list);
  }
  return { perKind, all };
}
