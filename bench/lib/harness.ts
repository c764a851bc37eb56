/**
 * What every scenario shares: the run's environment, the results and failures, webhooks on the
 * receiver, and the checks done in PostgreSQL (drained, verified). Drain detection reads only
 * PostgreSQL (no open delivery, no unpublished event), never the platform's queues, so the bench
 * does not depend on how the platform schedules its work.
 */
import Redis from 'ioredis';
import { Pool } from 'pg';
import type { EventName } from '../../src/events/catalogue';
import type { TagReport } from '../receiver';
import { AdminClient, waitUntil } from './admin';
import type { Options, Sizes } from './options';
import type { Child } from './proc';

export interface Env {
  opts: Options;
  sizes: Sizes;
  runId: string;
  databaseUrl: string;
  redisPrefix: string;
  pg: Pool;
  redis: Redis;
  receiver: Child;
  /** One origin per simulated customer. */
  ports: number[];
  /** A port of its own for endpoints that never answer (g), so no other origin shares it. */
  hangPort: number;
  caFile: string;
  caPem: string;
  platformEnv: Record<string, string>;
  adminEmail: string;
  adminPassword: string;
  children: Child[];
}

export interface Platform {
  label: string;
  children: Child[];
  /** The process that sends deliveries (role all or worker), and its /metrics. */
  worker: Child;
  workerMetrics: string;
  /** Where the HTTP API listens (the first `api` or `all` process). */
  apiUrl: string;
  /** Every process that serves the HTTP API, and every process that sends (worker or all). */
  apiUrls: string[];
  workers: Child[];
  /** The /metrics of each of `workers`. */
  workersMetrics: string[];
  admin: AdminClient;
}

/** One benchmark scenario: runs against the platform and answers its report section. */
export type Scenario = (env: Env, p: Platform, driver: Child) => Promise<Record<string, unknown>>;

export interface Hook {
  id: string;
  path: string;
}

/**
 * How the receiver answers a webhook's path: 200, 200 after a delay, 500, or never (holds the
 * request open).
 */
export type Mode = 'ok' | 'slow' | 'fail' | 'hang';

export const results: Record<string, unknown> = {};
export const failures: string[] = [];

export function check(ok: boolean, what: string): void {
  if (!ok) failures.push(what);
}

/** Runs one scenario; a failure is reported and the run goes on with the next one. */
export async function scenario(
  name: string,
  run: () => Promise<Record<string, unknown>>,
): Promise<void> {
  try {
    results[name] = await run();
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    failures.push(`(${name}) did not complete: ${message.split('\n')[0]}`);
    log(`(${name}) failed: ${message}`);
  }
}

export function log(msg: string): void {
  process.stdout.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export interface HookOptions {
  mode?: (i: number) => Mode;
  /** Extra fields of the create call (e.g. `ordering`). */
  fields?: Record<string, unknown>;
  /** Webhook i goes to receiver port `portOffset + i` (so two calls can use distinct origins). */
  portOffset?: number;
}

/**
 * Creates webhooks through the admin API, each on its own receiver path, spread over the ports
 * (a hanging one on the hang port).
 */
export async function createHooks(
  env: Env,
  admin: AdminClient,
  tag: string,
  event: EventName,
  count: number,
  opts: HookOptions = {},
): Promise<Hook[]> {
  const mode = opts.mode ?? (() => 'ok');
  const hooks: Hook[] = new Array<Hook>(count);
  const secrets: Record<string, string> = {};
  let next = 0;
  const lane = async () => {
    while (next < count) {
      const i = next++;
      const m = mode(i);
      const path = `/${tag}/${m}/${i}`;
      const k = (opts.portOffset ?? 0) + i;
      const port = m === 'hang' ? env.hangPort : env.ports[k % env.ports.length];
      const url = `https://127.0.0.1:${port}${path}`;
      const { id, secret } = await admin.createWebhook(`bench ${tag} ${i}`, url, [event], {
        ...opts.fields,
      });
      hooks[i] = { id, path };
      secrets[path] = secret;
    }
  };
  await Promise.all(Array.from({ length: Math.min(4, count) }, lane));
  await env.receiver.rpc.call('secrets', secrets);
  return hooks;
}

/** Requests the receiver has seen for a tag (of one mode only, if given). */
export const received = (env: Env, tag: string, mode?: Mode) =>
  env.receiver.rpc.call<number>('count', { tag, mode });
/** Distinct delivery ids the receiver has seen for a tag (a re-send counts once). */
export const receivedDistinct = (env: Env, tag: string) =>
  env.receiver.rpc.call<number>('distinct', { tag });
export const report = (env: Env, tag: string) =>
  env.receiver.rpc.call<TagReport>('report', { tag });
/** Every arrival latency (ms) of a tag's mode, for percentiles with values added. */
export const latencies = (env: Env, tag: string, mode: Mode) =>
  env.receiver.rpc.call<number[]>('latencies', { tag, mode });

/** Waits until every delivery of `event` is final and the outbox holds none of it unpublished. */
export async function drained(env: Env, event: EventName, timeoutMs: number): Promise<void> {
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

/** Deliveries of one webhook not final yet. */
export async function openDeliveries(env: Env, webhookId: string): Promise<number> {
  const r = (
    await env.pg.query(
      `SELECT count(*)::int AS n FROM deliveries
        WHERE webhook_id = $1 AND status IN ('pending', 'retrying')`,
      [webhookId],
    )
  ).rows[0] as { n: number };
  return r.n;
}

export interface Verification {
  events: number;
  deliveries: number;
  distinctPairs: number;
  byStatus: Record<string, number>;
  attempts: number;
  attemptCountMismatches: number;
}

/** The pipeline's guarantees, checked in the database after a scenario. */
export async function verify(env: Env, event: EventName): Promise<Verification> {
  const events = (
    await env.pg.query(`SELECT count(*)::int AS n FROM outbox_events WHERE event_name = $1`, [
      event,
    ])
  ).rows[0] as { n: number };
  return { events: events.n, ...(await verifyWhere(env, 'd.event = $1', [event])) };
}

/** The same, for one webhook's deliveries (`events`: the distinct events it got). */
export async function verifyHook(env: Env, webhookId: string): Promise<Verification> {
  const v = await verifyWhere(env, 'd.webhook_id = $1', [webhookId]);
  const events = (
    await env.pg.query(
      `SELECT count(DISTINCT event_id)::int AS n FROM deliveries WHERE webhook_id = $1`,
      [webhookId],
    )
  ).rows[0] as { n: number };
  return { events: events.n, ...v };
}

async function verifyWhere(
  env: Env,
  where: string,
  params: unknown[],
): Promise<Omit<Verification, 'events'>> {
  const counts = (
    await env.pg.query(
      `SELECT count(*)::int AS deliveries, count(DISTINCT (event_id, webhook_id))::int AS pairs
         FROM deliveries d WHERE ${where}`,
      params,
    )
  ).rows[0] as { deliveries: number; pairs: number };
  const statuses = (
    await env.pg.query(
      `SELECT status, count(*)::int AS n FROM deliveries d WHERE ${where} GROUP BY status`,
      params,
    )
  ).rows as { status: string; n: number }[];
  const attempts = (
    await env.pg.query(
      `SELECT coalesce(sum(per.n), 0)::int AS attempts,
              count(*) FILTER (WHERE per.n <> per.attempt_count)::int AS mismatches
         FROM (SELECT d.attempt_count, count(a.id)::int AS n
                 FROM deliveries d LEFT JOIN delivery_attempts a ON a.delivery_id = d.id
                WHERE ${where} GROUP BY d.id, d.attempt_count) per`,
      params,
    )
  ).rows[0] as { attempts: number; mismatches: number };
  return {
    deliveries: counts.deliveries,
    distinctPairs: counts.pairs,
    byStatus: Object.fromEntries(statuses.map((s) => [s.status, s.n])),
    attempts: attempts.attempts,
    attemptCountMismatches: attempts.mismatches,
  };
}

/** The time the last delivery of `event` reached its final state (its record's updated_at). */
export function lastUpdate(env: Env, event: EventName): Promise<number> {
  return lastUpdateWhere(env, 'event', event);
}

/** When the last delivery with `column` = `value` reached its final state (epoch ms). */
export async function lastUpdateWhere(
  env: Env,
  column: 'event' | 'webhook_id',
  value: string,
): Promise<number> {
  const r = (
    await env.pg.query(
      `SELECT (extract(epoch FROM max(updated_at)) * 1000)::float8 AS t FROM deliveries WHERE ${column} = $1`,
      [value],
    )
  ).rows[0] as { t: number };
  return r.t;
}
