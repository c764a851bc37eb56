import { getQueueToken } from '@nestjs/bullmq';
import type { Job, Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { FanOutSubscriber } from '../../src/modules/deliveries/fan-out.subscriber';
import {
  byDeliveryId,
  deliveryId,
  deliveryIdTime,
} from '../../src/modules/deliveries/delivery-ids';
import { LaneClaims } from '../../src/modules/deliveries/lanes/lane-claims';
import { DeliveryPartitions, utcDay } from '../../src/modules/deliveries/partitions';
import { MaintenanceProcessor, Retention } from '../../src/modules/deliveries/retention';
import { QueueName } from '../../src/platform/queues';
import { startApp } from '../support/app';
import { waitFor } from '../support/wait';
import { WebhookFixture } from '../support/webhooks';

const DAY = 86_400_000;
const today = utcDay(new Date()).getTime();
const dayAt = (offset: number) => new Date(today + offset * DAY);
const digits = (offset: number) => dayAt(offset).toISOString().slice(0, 10).replace(/-/g, '');

/**
 * The delivery tables are partitioned by day: the partitions of every kept day and of 7 days ahead
 * are made on start (in every role) and by the maintenance job; retention drops whole days past
 * the window (not a day that still holds open deliveries) and keeps the audit log; fan-out
 * dedupes on its event's time; lookups by a UUIDv7 id read one partition; claims keep their
 * order and the head of each key across days.
 */
describe('delivery partitions: made ahead, dropped by day, read across days', () => {
  const f = new WebhookFixture({});
  let partitions: DeliveryPartitions;
  let pausedHook: string;

  beforeAll(async () => {
    partitions = f.t.app.get(DeliveryPartitions);
    const r = await f.receiver();
    pausedHook = (await f.hook(r.url, ['pbx.call.hangup'])).id;
    await f.admin.post(`/api/admin/webhooks/${pausedHook}/pause`).expect(200);
  });

  async function names(): Promise<Set<string>> {
    const rows: { name: string }[] = await f.t.db.query(
      `SELECT c.relname AS name FROM pg_inherits i
         JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
        WHERE p.relname IN ('deliveries', 'delivery_attempts')`,
    );
    return new Set(rows.map((r) => r.name));
  }

  async function dropDay(offset: number): Promise<void> {
    await f.t.db.query(`DROP TABLE IF EXISTS "delivery_attempts_p${digits(offset)}"`);
    await f.t.db.query(`DROP TABLE IF EXISTS "deliveries_p${digits(offset)}"`);
  }

  /** A delivery of the paused webhook (no lane sends it) on the given day; returns its id. */
  async function delivery(at: Date, status = 'succeeded', key: string | null = null, seq = 1) {
    const id = randomUUID();
    await f.t.db.query(
      `INSERT INTO deliveries (id, webhook_id, webhook_name, url, event, body, status,
                               next_attempt_at, ordering_key, sequence, created_at, updated_at)
       VALUES ($1, $2, 'partitions', 'https://127.0.0.1/x', 'pbx.call.hangup', '{}', $3::text,
               CASE WHEN $3::text IN ('pending', 'retrying') THEN now() - interval '1 second' END,
               $4, $5, $6, now())`,
      [id, pausedHook, status, key, seq, at],
    );
    return id;
  }

  async function attempt(deliveryId: string, at: Date): Promise<void> {
    await f.t.db.query(
      `INSERT INTO delivery_attempts (delivery_id, number, trigger, started_at, duration_ms,
                                     request_headers, response_status, delivery_created_at)
       VALUES ($1, 1, 'auto', now(), 5, '{}', 200, $2)`,
      [deliveryId, at],
    );
  }

  it('has every kept day and 7 days ahead, and a new process makes missing ones on start', async () => {
    const have = await names();
    for (let d = -f.t.config.DELIVERY_RETENTION_DAYS; d <= 7; d++) {
      expect(have).toContain(`deliveries_p${digits(d)}`);
      expect(have).toContain(`delivery_attempts_p${digits(d)}`);
    }
    await dropDay(6);
    await dropDay(7);
    const api = await startApp({ ZORIO_ROLE: 'api' });
    try {
      const after = await names();
      for (const d of [6, 7]) {
        expect(after).toContain(`deliveries_p${digits(d)}`);
        expect(after).toContain(`delivery_attempts_p${digits(d)}`);
      }
    } finally {
      await api.close();
    }
  });

  it('makes each missing partition once when several processes ensure at the same time', async () => {
    await dropDay(5);
    await dropDay(7);
    const results = await Promise.all([1, 2, 3].map(() => partitions.ensureAhead()));
    const created = results.flatMap((r) => r.created).sort();
    expect(created).toEqual(
      [5, 7].flatMap((d) => [`deliveries_p${digits(d)}`, `delivery_attempts_p${digits(d)}`]).sort(),
    );
    expect((await partitions.ensureAhead()).created).toEqual([]);
  });

  it('the maintenance job, scheduled hourly, makes missing partitions ahead', async () => {
    const queue = f.t.app.get<Queue>(getQueueToken(QueueName.Maintenance));
    const schedulers = await queue.getJobSchedulers();
    expect(schedulers).toContainEqual(
      expect.objectContaining({ key: 'hourly-partitions', pattern: '41 * * * *' }),
    );
    // The job's handler itself: the shared queue may be busy with other files' jobs.
    await dropDay(7);
    const job = { name: 'partitions', data: {} } as Job;
    expect(await f.t.app.get(MaintenanceProcessor).process(job)).toEqual({
      created: [`deliveries_p${digits(7)}`, `delivery_attempts_p${digits(7)}`],
    });
    expect(await names()).toContain(`delivery_attempts_p${digits(7)}`);
  });

  it('files the deliveries of an event older than the window under the oldest kept day', async () => {
    const event = {
      id: String(9_100_000_000 + Math.floor(Math.random() * 1_000_000)),
      eventName: 'pbx.call.hangup',
      payload: { call_uuid: randomUUID() },
      occurredAt: new Date(Date.now() - 90 * DAY),
      orderingKey: `call:${randomUUID()}`,
      sequence: 1,
    } as unknown as Parameters<FanOutSubscriber['handle']>[1][number];
    await f.t.db.transaction((tx) => f.t.app.get(FanOutSubscriber).handle(tx, [event]));
    const rows: { created_at: Date }[] = await f.t.db.query(
      `SELECT created_at FROM deliveries WHERE event_id = $1`,
      [event.id],
    );
    expect(rows.map((r) => r.created_at.getTime())).toEqual([partitions.oldestKept().getTime()]);
  });

  it('stores deliveries and attempts today and on each day ahead; a day past them has no partition', async () => {
    for (let d = 0; d <= 7; d++) {
      const at = new Date(dayAt(d).getTime() + 3_600_000);
      await attempt(await delivery(at), at);
    }
    await expect(delivery(dayAt(9))).rejects.toThrow(/no partition/);
  });

  it('retention drops the days past the window, keeps a day with open deliveries, and the audit log', async () => {
    const window = f.t.config.DELIVERY_RETENTION_DAYS;
    await partitions.ensure(dayAt(-window - 3), dayAt(-window - 1));
    const closed = await delivery(new Date(dayAt(-window - 2).getTime() + 60_000));
    await attempt(closed, new Date(dayAt(-window - 2).getTime() + 60_000));
    const held = await delivery(dayAt(-window - 1), 'pending');
    const kept = await delivery(dayAt(-window), 'succeeded');
    const audit = async () =>
      (await f.t.db.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM audit_log`))[0].n;
    const auditBefore = await audit();

    const first = await f.t.app.get(Retention).purgeExpired();
    const dayOf = (offset: number) => dayAt(offset).toISOString().slice(0, 10);
    expect(first.droppedDays).toEqual(
      expect.arrayContaining([dayOf(-window - 3), dayOf(-window - 2)]),
    );
    expect(first.keptDays).toEqual([{ day: dayOf(-window - 1), open: 1 }]);
    let have = await names();
    expect(have).not.toContain(`deliveries_p${digits(-window - 2)}`);
    expect(have).not.toContain(`delivery_attempts_p${digits(-window - 2)}`);
    expect(have).toContain(`deliveries_p${digits(-window - 1)}`);
    const left = async (ids: string[]) =>
      (
        await f.t.db.query<{ id: string }[]>(
          `SELECT id FROM deliveries WHERE id = ANY($1::uuid[])`,
          [ids],
        )
      ).map((r) => r.id);
    expect((await left([closed, held, kept])).sort()).toEqual([held, kept].sort());
    expect(await audit()).toBeGreaterThanOrEqual(auditBefore);

    // Once the held delivery is finished, its day goes at the next run.
    await f.t.db.query(`UPDATE deliveries SET status = 'cancelled' WHERE id = $1`, [held]);
    const second = await partitions.dropExpired();
    expect(second).toEqual({ dropped: [dayOf(-window - 1)], kept: [] });
    have = await names();
    expect(have).not.toContain(`deliveries_p${digits(-window - 1)}`);
    expect(have).toContain(`deliveries_p${digits(-window)}`);
    expect(await left([held, kept])).toEqual([kept]);
    expect(await audit()).toBeGreaterThanOrEqual(auditBefore);
  });

  it('finishes a drop that was interrupted (a pending detach, a day detached but not dropped)', async () => {
    const day = -f.t.config.DELIVERY_RETENTION_DAYS - 5;
    await partitions.ensure(dayAt(day), dayAt(day));
    const at = new Date(dayAt(day).getTime() + 60_000);
    await attempt(await delivery(at), at);
    // A crash between the detach and the drop of the deliveries partition.
    await f.t.db.query(`ALTER TABLE deliveries DETACH PARTITION "deliveries_p${digits(day)}"`);
    // A DETACH … CONCURRENTLY of the attempts partition cancelled while it waited for a reader.
    const reader = new Client({ connectionString: f.t.config.DATABASE_URL });
    const detacher = new Client({ connectionString: f.t.config.DATABASE_URL });
    await reader.connect();
    await detacher.connect();
    try {
      await reader.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
      await reader.query('SELECT count(*) FROM delivery_attempts');
      const pid = (await detacher.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]
        .pid;
      const detach = detacher
        .query(
          `ALTER TABLE delivery_attempts DETACH PARTITION "delivery_attempts_p${digits(day)}" CONCURRENTLY`,
        )
        .then(
          () => 'detached',
          (err: Error) => err.message,
        );
      await waitFor(async () => {
        const rows: unknown[] = await f.t.db.query(
          `SELECT 1 FROM pg_stat_activity WHERE pid = $1 AND wait_event_type = 'Lock'`,
          [pid],
        );
        return rows.length ? true : null;
      });
      await f.t.db.query('SELECT pg_cancel_backend($1)', [pid]);
      expect(await detach).toMatch(/cancel/);
      await reader.query('COMMIT');
    } finally {
      await reader.end();
      await detacher.end();
    }
    const pending: unknown[] = await f.t.db.query(
      `SELECT 1 FROM pg_inherits WHERE inhdetachpending`,
    );
    expect(pending).toHaveLength(1);

    const result = await partitions.dropExpired();
    expect(result.dropped).toContain(dayAt(day).toISOString().slice(0, 10));
    const left: unknown[] = await f.t.db.query(`SELECT 1 FROM pg_class WHERE relname IN ($1, $2)`, [
      `deliveries_p${digits(day)}`,
      `delivery_attempts_p${digits(day)}`,
    ]);
    expect(left).toEqual([]);
  });

  it('fan-out of the same event twice makes one delivery, its id a UUIDv7 of the event time', async () => {
    const fanOut = f.t.app.get(FanOutSubscriber);
    const event = {
      id: String(9_000_000_000 + Math.floor(Math.random() * 1_000_000)),
      eventName: 'pbx.call.hangup',
      payload: { call_uuid: randomUUID() },
      occurredAt: new Date(Date.now() - 5_000),
      orderingKey: `call:${randomUUID()}`,
      sequence: 1,
    } as unknown as Parameters<FanOutSubscriber['handle']>[1][number];
    await f.t.db.transaction((tx) => fanOut.handle(tx, [event]));
    await f.t.db.transaction((tx) => fanOut.handle(tx, [event]));
    const rows: { id: string; created_at: Date }[] = await f.t.db.query(
      `SELECT id, created_at FROM deliveries WHERE event_id = $1 AND webhook_id = $2`,
      [event.id, pausedHook],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0].created_at.getTime()).toBe(event.occurredAt.getTime());
    expect(deliveryIdTime(rows[0].id)?.getTime()).toBe(event.occurredAt.getTime());
    await f.admin.get(`/api/admin/deliveries/${rows[0].id}`).expect(200);
  });

  it('finds a UUIDv7 delivery in its one partition, an older id in any', async () => {
    const v7 = byDeliveryId('d', deliveryId(new Date(dayAt(-1).getTime() + 123_456)));
    const plan = async (where: { sql: string; params: unknown[] }) => {
      const rows: { 'QUERY PLAN': unknown }[] = await f.t.db.query(
        `EXPLAIN (FORMAT JSON) SELECT d.id FROM deliveries d WHERE ${where.sql}`,
        where.params,
      );
      return JSON.stringify(rows[0]['QUERY PLAN']).match(/"Relation Name":"deliveries_p\d+"/g);
    };
    expect(await plan(v7)).toHaveLength(1);
    expect((await plan(byDeliveryId('d', randomUUID())))?.length).toBeGreaterThan(1);
  });

  it('claims only the head of a key whose head is on an older day, then the next one', async () => {
    const claims = f.t.app.get(LaneClaims);
    await f.t.db.query(
      `UPDATE deliveries SET status = 'cancelled' WHERE webhook_id = $1 AND status = 'pending'`,
      [pausedHook],
    );
    const key = `call:${randomUUID()}`;
    const older = await delivery(dayAt(-1), 'pending', key, 1);
    const newer = await delivery(dayAt(0), 'pending', key, 2);
    const [head] = await claims.claim(pausedHook, 10, true);
    expect(head.id).toBe(older);
    expect((await claims.claim(pausedHook, 10, true)).map((d) => d.id)).toEqual([]);
    await f.t.db.query(`UPDATE deliveries SET status = 'succeeded' WHERE id = $1`, [older]);
    await f.t.db.query(
      `UPDATE deliveries SET next_attempt_at = now() - interval '1 second' WHERE id = $1`,
      [newer],
    );
    expect((await claims.claim(pausedHook, 10, true)).map((d) => d.id)).toEqual([newer]);
  });
});
