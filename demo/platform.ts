import type { NestExpressApplication } from '@nestjs/platform-express';
import { getDataSourceToken } from '@nestjs/typeorm';
import { Client } from 'pg';
import type { Writable } from 'node:stream';
import { DataSource } from 'typeorm';
import { SYSTEM_ACTOR } from '../src/common/actor';
import type { AppConfig } from '../src/config/app-config';
import { createHttpApp } from '../src/bootstrap';
import { EVENT_NAMES, EventName } from '../src/events/catalogue';
import { ApiTokensService } from '../src/modules/auth/api-tokens.service';
import type { Scope } from '../src/platform/http/access.decorators';
import { UsersService } from '../src/modules/auth/users.service';
import { WebhooksService } from '../src/modules/webhooks/webhooks.service';

export const DEMO_WEBHOOK_NAME = 'Demo receiver';
const TOKEN_PREFIX = 'Demo · ';

/** DATABASE_URL with its database name replaced (`…/zorio` → `…/zorio_demo`). */
export function demoDatabaseUrl(base: string, name = 'zorio_demo'): string {
  const url = new URL(base);
  url.pathname = `/${name}`;
  return url.toString();
}

export function databaseName(url: string): string {
  return decodeURIComponent(new URL(url).pathname.replace(/^\//, ''));
}

async function withAdminClient<T>(url: string, fn: (client: Client) => Promise<T>): Promise<T> {
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export function databaseExists(url: string): Promise<boolean> {
  return withAdminClient(url, async (client) => {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [
      databaseName(url),
    ]);
    return (found.rowCount ?? 0) > 0;
  });
}

/** Drops the demo's own database (refuses while something is connected to it). */
export function dropDatabase(url: string): Promise<void> {
  return withAdminClient(url, async (client) => {
    await client.query(`DROP DATABASE IF EXISTS "${databaseName(url).replace(/"/g, '""')}"`);
  });
}

/**
 * Boots the platform in role `all` (API, console, outbox relay, delivery queues, ESL client) with
 * the real bootstrap, and listens on `port`. Nest's own SIGINT/SIGTERM hooks (they would close the
 * app and re-raise the signal) are taken off again: the demo stops its simulators first, then
 * closes the app itself.
 */
export async function startPlatform(
  config: AppConfig,
  logStream: Writable,
): Promise<{ app: NestExpressApplication; port: number; db: DataSource }> {
  const before = {
    SIGINT: new Set(process.listeners('SIGINT')),
    SIGTERM: new Set(process.listeners('SIGTERM')),
  };
  const app = await createHttpApp(config, { logStream });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    for (const listener of process.listeners(signal)) {
      if (!before[signal].has(listener)) process.removeListener(signal, listener);
    }
  }
  await app.listen(config.PORT);
  const address = app.getHttpServer().address() as { port: number };
  return { app, port: address.port, db: app.get<DataSource>(getDataSourceToken()) };
}

/** The first admin of the demo database (audit-logged); null when it already had users. */
export function ensureAdmin(
  app: NestExpressApplication,
  email: string,
  password: string,
): Promise<{ email: string; password: string | null } | null> {
  return app.get(UsersService).ensureFirstAdmin(email, password);
}

/**
 * The "Demo receiver" webhook for `url`, subscribed to all 16 events: created through
 * WebhooksService as the system actor when there is none for that URL (audit-logged), else
 * reused — re-subscribed to every event and resumed if needed, its secret read back (or rotated
 * when the demo's keys changed). Other demo receivers (older runs on another port) are paused so
 * the platform stops sending to ports nobody listens on. Every change is audit-logged.
 */
export async function ensureDemoWebhook(
  app: NestExpressApplication,
  url: string,
): Promise<{ id: string; secret: string; created: boolean; paused: number }> {
  const webhooks = app.get(WebhooksService);
  const all = await webhooks.list();
  let paused = 0;
  for (const other of all) {
    if (other.displayName === DEMO_WEBHOOK_NAME && other.url !== url && other.status === 'active') {
      await webhooks.pause(SYSTEM_ACTOR, other.id);
      paused += 1;
    }
  }
  const existing = all.find((w) => w.url === url);
  if (!existing) {
    const { webhook, secret } = await webhooks.create(SYSTEM_ACTOR, {
      display_name: DEMO_WEBHOOK_NAME,
      url,
      events: [...EVENT_NAMES],
    });
    return { id: webhook.id, secret, created: true, paused };
  }
  const events = new Set(existing.events);
  if (EVENT_NAMES.some((name) => !events.has(name))) {
    await webhooks.update(SYSTEM_ACTOR, existing.id, { events: [...EVENT_NAMES] });
  }
  if (existing.status !== 'active') await webhooks.resume(SYSTEM_ACTOR, existing.id);
  let secret: string;
  try {
    const target = await webhooks.target(existing.id);
    if (!target) throw new Error('webhook vanished');
    secret = target.secret;
  } catch {
    secret = (await webhooks.rotateSecret(SYSTEM_ACTOR, existing.id)).secret;
  }
  return { id: existing.id, secret, created: false, paused };
}

export interface DemoToken {
  id: string;
  plain: string;
}

/**
 * A machine token for one simulated client, as an admin would create it in the console (audit-
 * logged, system actor): one scope, loopback only, expiring after a day; revoked at the end.
 */
export async function createToken(
  app: NestExpressApplication,
  name: string,
  scope: Scope,
): Promise<DemoToken> {
  const { token, plain } = await app.get(ApiTokensService).create(SYSTEM_ACTOR, {
    name: `${TOKEN_PREFIX}${name}`,
    scopes: [scope],
    ip_allowlist: ['127.0.0.1', '::1'],
    expires_in_days: 1,
  });
  return { id: token.id, plain };
}

/** Revokes tokens (audit-logged); with no ids, every demo token still active (left by a crash). */
export async function revokeTokens(app: NestExpressApplication, ids?: string[]): Promise<void> {
  const tokens = app.get(ApiTokensService);
  const targets =
    ids ??
    (await tokens.list())
      .filter((t) => t.name.startsWith(TOKEN_PREFIX) && !t.revokedAt)
      .map((t) => t.id);
  for (const id of targets) await tokens.revoke(SYSTEM_ACTOR, id);
}

/** The newest outbox id: events published after it are this run's. */
export async function outboxMark(db: DataSource): Promise<string> {
  const rows: { id: string }[] = await db.query(
    `SELECT coalesce(max(id), 0)::text AS id FROM outbox_events`,
  );
  return rows[0].id;
}

/** Events published after the mark, by name. */
export async function publishedSince(
  db: DataSource,
  mark: string,
): Promise<Map<EventName, number>> {
  const rows: { event_name: EventName; n: number }[] = await db.query(
    `SELECT event_name, count(*)::int AS n FROM outbox_events WHERE id > $1::bigint GROUP BY event_name`,
    [mark],
  );
  return new Map(rows.map((r) => [r.event_name, r.n]));
}
