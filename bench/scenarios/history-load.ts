/**
 * (e)'s generated history: deliveries and their attempts, bulk-loaded with `INSERT … SELECT
 * generate_series`, one statement per day of the retention window (so a day-partitioned table
 * gets one partition's rows per statement, and a 10 M-row load reports its progress).
 *
 * The mix, as in real traffic: a skewed choice of webhook (a few carry most of it); 12 common
 * events share ~99 %, 4 lifecycle events are rare (0.2 % each); ordering keys as the catalogue
 * makes them (`call:<uuid>`, `lead:<n>`, `…-campaign:<n>`), consecutive rows in keys of four with
 * sequences 1–4; 90 % succeeded at once, 5 % after a retry, 3.9 % dead letters after four
 * attempts, 1 % cancelled after two, 0.1 % retrying in the newest day (due hours from now, so no
 * worker sends them during the run; older days hold dead letters instead, all final as retention
 * expects); one attempt row per attempt, with headers as the sender stores them. Ids are UUIDv7
 * carrying created_at, as the platform makes them (a lookup by id finds its day partition).
 */
import { performance } from 'node:perf_hooks';
import type { Pool } from 'pg';
import { EVENT_NAMES } from '../../src/events/catalogue';
import { log } from '../lib/harness';

/** Events that are rare in real traffic (campaign lifecycle). */
export const RARE_EVENTS = [
  'telesales.campaign.completed',
  'autocall.campaign.started',
  'autocall.campaign.paused',
  'autocall.campaign.finished',
];

export interface HistoryLoad {
  rows: number;
  /** Days back from now the rows are spread over (the retention window less a day). */
  days: number;
  webhookIds: string[];
}

export interface LoadReport {
  deliveries: number;
  attempts: number;
  loadSeconds: number;
  analyzeSeconds: number;
}

/** Row g's event id (no outbox row: these events were published long ago). */
const EVENT_ID_BASE = 1_000_000_000_000;

/** The event of row g: weighted slots, common events 83 each, rare ones 2. */
function eventSlots(): string[] {
  const rare = new Set(RARE_EVENTS);
  const slots: string[] = [];
  for (const name of EVENT_NAMES) {
    const weight = rare.has(name) ? 2 : 83;
    for (let i = 0; i < weight; i++) slots.push(name);
  }
  return slots;
}

/**
 * Rows g in [$1, $2] of $3 in all, created evenly over $6 days back from $7 (row 1 the newest;
 * every statement counts from the same instant, so the days neither overlap nor leave gaps).
 * $4 the event slots, $5 the webhook ids.
 */
const DELIVERIES_SQL = `
  WITH hooks AS (
    SELECT array_agg(id ORDER BY created_at, id) AS ids,
           array_agg(display_name ORDER BY created_at, id) AS names,
           array_agg(url ORDER BY created_at, id) AS urls, count(*)::int AS n
      FROM webhooks WHERE id = ANY($5::uuid[])),
  g AS (
    SELECT g, h.ids, h.names, h.urls,
           1 + floor(h.n * power(((g * 104729) % 10007) / 10007.0, 2))::int AS w,
           ($4::text[])[(1 + (g * 7919) % array_length($4::text[], 1))::int] AS ev,
           (g * 31) % 1000 AS s,
           -- open deliveries only in the newest day: older days are all final (retention drops them)
           (g::float8 / $3::bigint) * $6::int < 1 AS recent,
           date_trunc('milliseconds',
             $7::timestamptz - make_interval(secs => (g::float8 / $3::bigint) * $6::int * 86400))
             AS at
      FROM generate_series($1::bigint, $2::bigint) AS g, hooks h),
  r AS (
    SELECT g.*,
           CASE WHEN s < 950 THEN 'succeeded' WHEN s < 989 THEN 'dead_letter'
                WHEN s < 999 THEN 'cancelled' WHEN recent THEN 'retrying' ELSE 'dead_letter' END
             AS st,
           lpad(to_hex(floor(extract(epoch FROM at) * 1000)::bigint), 12, '0') AS ms,
           md5(g::text || random()::text) AS rnd
      FROM g)
  INSERT INTO deliveries (id, event_id, webhook_id, webhook_name, url, event, body, status,
                          attempt_count, next_attempt_at, last_response_status, last_error,
                          created_at, updated_at, ordering_key, sequence)
  SELECT -- a UUIDv7 carrying created_at, as the platform makes them
         (substr(ms, 1, 8) || '-' || substr(ms, 9, 4) || '-7' || substr(rnd, 1, 3) || '-8'
           || substr(rnd, 4, 3) || '-' || substr(rnd, 7, 12))::uuid,
         ${EVENT_ID_BASE} + g, ids[w], names[w], urls[w], ev,
         '{"event":"' || ev || '","timestamp":"' || to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
           || '","tenant_id":1,"data":{"n":' || g
           || ',"call_uuid":"6f1c2b0e-4d1a-4c8e-9a57-3e2f8b1d7c40","extension":"1001","direction":"inbound","caller_number":"84912345678","destination_number":"1001","hangup_cause":"NORMAL_CLEARING"}}',
         st,
         CASE WHEN s < 900 THEN 1 WHEN st = 'succeeded' THEN 2 WHEN st = 'dead_letter' THEN 4
              ELSE 2 END,
         CASE WHEN st = 'retrying' THEN now() + interval '12 hours' END,
         CASE WHEN st = 'succeeded' THEN 200 ELSE 500 END,
         CASE WHEN st <> 'succeeded' THEN 'http_status: HTTP 500 Internal Server Error' END,
         at, at + interval '2 seconds',
         CASE WHEN ev LIKE 'telesales.campaign.%' THEN 'telesales-campaign:' || (g / 5000)
              WHEN ev LIKE 'autocall.campaign.%' THEN 'autocall-campaign:' || (g / 5000)
              WHEN ev LIKE 'telesales.%' THEN 'lead:' || (g / 4)
              ELSE 'call:' || md5((g / 4)::text)::uuid END,
         1 + g % 4
    FROM r`;

/**
 * One attempt row per attempt of the deliveries of rows [$1, $2] (their event ids) of webhooks
 * $3, created in [$4, $5] (for a day-partitioned table: the partitions to look in).
 */
const attemptsSql = (partitioned: boolean) => `
  INSERT INTO delivery_attempts (delivery_id, number, trigger, started_at, duration_ms,
                                 request_headers, response_status, response_headers,
                                 response_body, error_code, error_message
                                 ${partitioned ? ', delivery_created_at' : ''})
  SELECT d.id, n, 'auto',
         d.created_at + make_interval(secs => (ARRAY[0, 30, 300, 1800])[n]),
         20 + (abs(hashtext(d.id::text)) % 180),
         jsonb_build_object(
           'Content-Type', 'application/json; charset=utf-8', 'User-Agent', 'Zorio-Webhooks/1.0',
           'X-Zorio-Event', d.event, 'X-Zorio-Delivery', d.id::text,
           'X-Zorio-Timestamp', extract(epoch FROM d.created_at)::bigint::text,
           'X-Zorio-Signature', 'sha256=' || md5(d.id::text) || md5(d.event),
           'webhook-id', d.id::text,
           'webhook-timestamp', extract(epoch FROM d.created_at)::bigint::text,
           'webhook-signature', 'v1,' || md5(d.id::text || 'x'),
           'X-Zorio-Ordering-Key', d.ordering_key, 'X-Zorio-Sequence', d.sequence::text),
         ok.status,
         jsonb_build_object('content-type', 'text/plain', 'content-length', length(ok.body)::text),
         convert_to(ok.body, 'UTF8'),
         CASE WHEN ok.status <> 200 THEN 'http_status' END,
         CASE WHEN ok.status <> 200 THEN 'HTTP 500 Internal Server Error' END
         ${partitioned ? ', d.created_at' : ''}
    FROM deliveries d
    CROSS JOIN LATERAL generate_series(1, d.attempt_count) AS n
    CROSS JOIN LATERAL (
      SELECT CASE WHEN d.status = 'succeeded' AND n = d.attempt_count THEN 200 ELSE 500 END
               AS status,
             CASE WHEN d.status = 'succeeded' AND n = d.attempt_count THEN 'ok'
                  ELSE 'receiver says no' END AS body) ok
   WHERE d.event_id BETWEEN $1 AND $2 AND d.webhook_id = ANY($3::uuid[])
     AND d.created_at BETWEEN $4 AND $5`;

/** Loads the history day by day, then VACUUM ANALYZE (as autovacuum would have by then). */
export async function loadHistory(pg: Pool, load: HistoryLoad): Promise<LoadReport> {
  const slots = eventSlots();
  // Day-partitioned attempts carry their delivery's created_at (the partition key).
  const partitioned =
    (
      await pg.query(
        `SELECT 1 FROM information_schema.columns
          WHERE table_name = 'delivery_attempts' AND column_name = 'delivery_created_at'
            AND table_schema = current_schema()`,
      )
    ).rowCount === 1;
  const ATTEMPTS_SQL = attemptsSql(partitioned);
  const t0 = performance.now();
  const from = (await pg.query<{ now: Date }>(`SELECT now() AS now`)).rows[0].now;
  const perDay = Math.ceil(load.rows / load.days);
  let deliveries = 0;
  let attempts = 0;
  for (let day = 0; day < load.days; day++) {
    const first = day * perDay + 1;
    const last = Math.min(load.rows, (day + 1) * perDay);
    if (first > last) break;
    const r = await pg.query(DELIVERIES_SQL, [
      first,
      last,
      load.rows,
      slots,
      load.webhookIds,
      load.days,
      from,
    ]);
    deliveries += r.rowCount ?? 0;
    const at = (g: number) => new Date(from.getTime() - (g / load.rows) * load.days * 86_400_000);
    const a = await pg.query(ATTEMPTS_SQL, [
      EVENT_ID_BASE + first,
      EVENT_ID_BASE + last,
      load.webhookIds,
      new Date(at(last).getTime() - 1000),
      new Date(at(first).getTime() + 1000),
    ]);
    attempts += a.rowCount ?? 0;
    if (load.days > 1 && (day + 1) % 5 === 0) {
      log(`e: day ${day + 1} of ${load.days}: ${deliveries} deliveries, ${attempts} attempts`);
    }
  }
  const loadSeconds = (performance.now() - t0) / 1000;
  const t1 = performance.now();
  await pg.query(`VACUUM ANALYZE deliveries`);
  await pg.query(`VACUUM ANALYZE delivery_attempts`);
  return {
    deliveries,
    attempts,
    loadSeconds,
    analyzeSeconds: (performance.now() - t1) / 1000,
  };
}
