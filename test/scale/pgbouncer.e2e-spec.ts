import { randomUUID } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { ensureDatabase, runMigrations } from '../../src/database/migrate';
import { EVENT_TYPES } from '../../src/events/catalogue';
import { EventBus } from '../../src/events/event-bus';
import { LISTENER_NAME } from '../../src/events/outbox-relay';
import { getTestPki } from '../../tools/pki/test-ca';
import { bearer } from '../domain/support';
import { scratchDatabase, type ScratchDatabase } from '../foundation/scratch-db';
import { login, startApp, type Session, type TestApp } from '../support/app';
import {
  startReceiver,
  type ReceivedRequest,
  type Receiver,
  type ReceiverOptions,
} from '../support/https-receiver';
import { startPgBouncer, type PgBouncer } from '../support/pgbouncer';
import { waitFor } from '../support/wait';
import { createWebhook, publish, verifiesWith, waitForDeliveryStatus } from '../support/webhooks';

/** Server connections PgBouncer may open for the app's database: far fewer than its pool's 20. */
const POOL = 2;
const MIGRATIONS = readdirSync(join(__dirname, '..', '..', 'migrations')).filter((f) =>
  f.endsWith('.ts'),
).length;

const seqOf = (q: ReceivedRequest) => Number(q.headers['x-zorio-sequence']);

/**
 * The platform with DATABASE_URL at a real PgBouncer in transaction mode (a pool of two server
 * connections) and DATABASE_DIRECT_URL at PostgreSQL: everything works through the pooler, and
 * what needs a session of its own (the relay's LISTEN, migrations) never goes through it.
 */
describe('behind PgBouncer in transaction mode', () => {
  let scratch: ScratchDatabase;
  let bouncer: PgBouncer;
  let t: TestApp;
  let admin: Session;
  const receivers: Receiver[] = [];

  beforeAll(async () => {
    scratch = await scratchDatabase('pgbouncer', { migrate: false });
    bouncer = await startPgBouncer({ directUrl: scratch.url, poolSize: POOL });
    // Created and migrated over the direct URL, as main does at boot.
    await ensureDatabase(scratch.url);
    await runMigrations(scratch.url);
    t = await startApp({
      ...scratch.env,
      DATABASE_URL: bouncer.urlOf(scratch.name),
      DATABASE_DIRECT_URL: scratch.url,
      WEBHOOK_CA_FILE: getTestPki().caFile,
      WEBHOOK_RETRY_SCHEDULE: '0.3,0.3,0.3',
    });
    admin = await login(t);
  });

  afterAll(async () => {
    await t?.close();
    for (const r of receivers) await r.close();
    await bouncer?.stop();
    await scratch?.drop();
  });

  async function receiver(opts?: ReceiverOptions): Promise<Receiver> {
    const r = await startReceiver(opts);
    receivers.push(r);
    return r;
  }

  /** Backends on the database that LISTEN as the relay's listener (straight to PostgreSQL). */
  async function listenerPids(): Promise<number[]> {
    const rows = await scratch.query<{ pid: number }>(
      `SELECT pid FROM pg_stat_activity
        WHERE datname = $1 AND application_name = $2 AND query LIKE 'LISTEN %'`,
      [scratch.name, LISTENER_NAME],
    );
    return rows.map((r) => r.pid);
  }

  /** The PostgreSQL backends PgBouncer holds for the app's database. */
  async function serverPids(): Promise<number[]> {
    const rows = await bouncer.admin<{ database: string; remote_pid: string }>('SHOW SERVERS');
    return rows.filter((s) => s.database === scratch.name).map((s) => Number(s.remote_pid));
  }

  it('sends the app’s queries through PgBouncer, multiplexed over the small pool, and LISTENs on a session of its own', async () => {
    await admin.get('/api/admin/auth/me').expect(200);
    const [listener] = await waitFor(
      async () => {
        const pids = await listenerPids();
        return pids.length === 1 ? pids : null;
      },
      { what: 'the relay’s LISTEN session on PostgreSQL itself' },
    );
    const backends = await scratch.query<{ pid: number }>(
      `SELECT pid FROM pg_stat_activity
        WHERE datname = $1 AND backend_type = 'client backend' AND pid <> pg_backend_pid()`,
      [scratch.name],
    );
    const servers = await serverPids();
    expect(servers.length).toBeGreaterThan(0);
    expect(servers.length).toBeLessThanOrEqual(POOL);
    // Every backend of the app is one of PgBouncer's, except the listener, which is none of them.
    expect(servers).not.toContain(listener);
    expect(backends.map((b) => b.pid).sort()).toEqual([...servers, listener].sort());

    const clients = await bouncer.admin<{ database: string; application_name: string }>(
      'SHOW CLIENTS',
    );
    const names = clients.filter((c) => c.database === scratch.name).map((c) => c.application_name);
    expect(names).toContain('zorio');
    expect(names).not.toContain(LISTENER_NAME);
  });

  it('runs the pipeline through the pooler: domain API → outbox → relay → fan-out → signed HTTPS delivery, retried after a failure', async () => {
    let answered = 0;
    const r = await receiver({ respond: () => ({ status: answered++ === 0 ? 500 : 200 }) });
    const hook = await createWebhook(admin, r.url, ['telesales.lead.created']);
    const token = await bearer(t, ['telesales_api_access']);
    const api = (path: string, body: object) =>
      t.http().post(path).set('Authorization', token).send(body).expect(201);
    const campaign = await api('/api/telesales/campaigns', {
      name: 'Behind PgBouncer',
      dialer_mode: 'progressive',
    });
    const lead = await api(`/api/telesales/campaigns/${campaign.body.data.id}/leads`, {
      full_name: 'Trần Thị Bình',
      phone: '0912345678',
    });

    const [first, second] = await r.waitFor(2, 15_000);
    expect(first.headers['x-zorio-delivery']).toBe(second.headers['x-zorio-delivery']);
    expect(first.body.equals(second.body)).toBe(true);
    expect(verifiesWith(second, hook.secret)).toBe(true);
    const envelope = second.json<{ event: string; data: { id: number } }>();
    expect(envelope.event).toBe('telesales.lead.created');
    expect(envelope.data.id).toBe(lead.body.data.id);
    const done = await waitForDeliveryStatus(
      t,
      String(second.headers['x-zorio-delivery']),
      'succeeded',
    );
    expect(done).toMatchObject({ webhook_id: hook.id, attempt_count: 2 });
  });

  it('delivers a per_key webhook’s events in sequence while the head is retried', async () => {
    const call = randomUUID();
    let headFailures = 0;
    const r = await receiver({
      respond: (q) => ({ status: seqOf(q) === 1 && headFailures++ < 2 ? 500 : 200 }),
    });
    const names = ['pbx.call.ringing', 'pbx.call.answered', 'pbx.call.hangup'] as const;
    await createWebhook(admin, r.url, [...names], 'ordered', { ordering: 'per_key' });
    for (const name of names)
      await publish(t, name, { ...EVENT_TYPES[name].sample, call_uuid: call });

    const got = await r.waitFor(5, 20_000);
    expect(got.map((q) => q.headers['x-zorio-ordering-key'])).toEqual(
      Array(5).fill(`call:${call}`),
    );
    expect(got.map(seqOf)).toEqual([1, 1, 1, 2, 3]);
    expect(got.map((q) => q.json<{ event: string }>().event)).toEqual([
      'pbx.call.ringing',
      'pbx.call.ringing',
      'pbx.call.ringing',
      'pbx.call.answered',
      'pbx.call.hangup',
    ]);
  });

  it('signs in to the console, keeps the session, and audits a change (hash chain intact)', async () => {
    const session = await login(t);
    const me = await session.get('/api/admin/auth/me').expect(200);
    expect(me.body.data.user.id).toBe(session.userId);
    const r = await receiver();
    const hook = await createWebhook(session, r.url, ['pbx.call.hangup'], 'audited');
    const audit = await session
      .get(`/api/admin/audit-log?action=webhook.created&target_id=${hook.id}`)
      .expect(200);
    expect(audit.body.data).toHaveLength(1);
    expect(audit.body.data[0].actor_id).toBe(session.userId);
    const verify = await session.get('/api/admin/audit-log/verify').expect(200);
    expect(verify.body.data).toMatchObject({ ok: true, first_broken_id: null });
  });

  it('numbers 40 concurrent publishes of one ordering key 1..40 without a gap', async () => {
    const call = randomUUID();
    const bus = t.app.get(EventBus);
    const data = { ...EVENT_TYPES['pbx.call.ringing'].sample, call_uuid: call };
    await Promise.all(
      Array.from({ length: 40 }, () =>
        t.db.transaction((tx) => bus.publish(tx, 'pbx.call.ringing', data)),
      ),
    );
    const rows = await scratch.query<{ sequence: string }>(
      `SELECT sequence::text AS sequence FROM outbox_events WHERE ordering_key = $1
        ORDER BY outbox_events.sequence`,
      [`call:${call}`],
    );
    expect(rows.map((row) => Number(row.sequence))).toEqual(
      Array.from({ length: 40 }, (_, i) => i + 1),
    );
  });

  it('leaves no named prepared statement and no advisory lock on PgBouncer’s server connections', async () => {
    // Take every server connection of the pool at once, each in a transaction of its own.
    const clients = Array.from(
      { length: POOL },
      () => new Client({ connectionString: bouncer.urlOf(scratch.name) }),
    );
    try {
      await Promise.all(clients.map((c) => c.connect()));
      const seen = await Promise.all(
        clients.map(async (c) => {
          await c.query('BEGIN');
          const { rows } = await c.query<{ pid: number; prepared: number; locks: number }>(
            `SELECT pg_backend_pid() AS pid,
                    (SELECT count(*)::int FROM pg_prepared_statements) AS prepared,
                    (SELECT count(*)::int FROM pg_locks
                      WHERE locktype = 'advisory' AND pid = pg_backend_pid()) AS locks`,
          );
          return rows[0];
        }),
      );
      expect(new Set(seen.map((s) => s.pid)).size).toBe(POOL);
      expect(seen.map((s) => s.pid).sort()).toEqual((await serverPids()).sort());
      expect(seen.map((s) => [s.prepared, s.locks])).toEqual(Array(POOL).fill([0, 0]));
    } finally {
      await Promise.all(clients.map((c) => c.end()));
    }
  });

  it('reconnects the relay’s LISTEN when its connection drops, straight to PostgreSQL again', async () => {
    const [before] = await listenerPids();
    await scratch.query('SELECT pg_terminate_backend($1)', [before]);
    const [after] = await waitFor(
      async () => {
        const pids = await listenerPids();
        return pids.length === 1 && pids[0] !== before ? pids : null;
      },
      { what: 'a new LISTEN session of the relay' },
    );
    expect(await serverPids()).not.toContain(after);
    const r = await receiver();
    await createWebhook(admin, r.url, ['autocall.lead.dialed']);
    await publish(t, 'autocall.lead.dialed');
    const [got] = await r.waitFor(1, 15_000);
    expect(got.headers['x-zorio-event']).toBe('autocall.lead.dialed');
  });

  it('migrates a new database through the pooler too: four at once run each migration once (a session lock through it does not serialise them)', async () => {
    const fresh = await scratchDatabase('pgbouncer_migrate', { migrate: false });
    try {
      await ensureDatabase(fresh.url);
      const pooled = bouncer.urlOf(fresh.name);
      expect(await ensureDatabase(pooled)).toBe(false);
      const ran = await Promise.all([1, 2, 3, 4].map(() => runMigrations(pooled)));
      expect(ran.map((names) => names.length).sort((a, b) => a - b)).toEqual([0, 0, 0, MIGRATIONS]);
      const rows = await fresh.query<{ n: number }>('SELECT count(*)::int AS n FROM migrations');
      expect(rows[0].n).toBe(MIGRATIONS);
    } finally {
      await fresh.drop();
    }
  });
});
