import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { PartitionedDeliveries1764000060000 } from '../../migrations/1764000060000-PartitionedDeliveries';
import { dataSourceOptions } from '../../src/database/data-source-options';
import { login, startApp, type Session, type TestApp } from '../support/app';
import { scratchDatabase, ScratchDatabase } from '../foundation/scratch-db';

const DAY = 86_400_000;
const EVENTS = ['pbx.call.hangup', 'telesales.lead.created'];
const STATUSES = ['succeeded', 'dead_letter', 'pending', 'cancelled'];

interface Seeded {
  id: string;
  at: Date;
  event: string;
  status: string;
  key: string;
}

/**
 * The migration that partitions the delivery history by day keeps every delivery and attempt a
 * database held before it (days in the window, a day long past it, open ones held for a paused
 * webhook, response bodies of any bytes), and the console browses them as before; down gives back
 * plain tables with the same rows, and up again partitions them again.
 */
describe('migration PartitionedDeliveries: existing history is kept and browsable', () => {
  let scratch: ScratchDatabase;
  let db: DataSource;
  let t: TestApp | undefined;
  const migration = new PartitionedDeliveries1764000060000();
  const webhookId = randomUUID();
  const seeded: Seeded[] = [];

  beforeAll(async () => {
    scratch = await scratchDatabase('partition_migration');
    db = new DataSource({ ...dataSourceOptions(scratch.url), extra: { max: 2 } });
    await db.initialize();
  });

  afterAll(async () => {
    await t?.close();
    await db?.destroy();
    await scratch?.drop();
  });

  async function run(step: 'up' | 'down'): Promise<void> {
    const q = db.createQueryRunner();
    try {
      await q.startTransaction();
      await migration[step](q);
      await q.commitTransaction();
    } finally {
      await q.release();
    }
  }

  /** Deliveries over five days (one 45 days ago), three of them on one instant; attempts for most. */
  async function seed(): Promise<void> {
    await db.query(
      `INSERT INTO webhooks (id, display_name, url, events, status, secret_encrypted)
       VALUES ($1, 'before partitions', 'https://127.0.0.1:9/hook', $2, 'paused', 'x')`,
      [webhookId, EVENTS],
    );
    const now = Math.floor(Date.now() / 1000) * 1000;
    for (let i = 0; i < 40; i++) {
      const days = i < 3 ? 45 : i % 4;
      seeded.push({
        id: randomUUID(),
        at: new Date(now - days * DAY - Math.floor(i / 3) * 60_000),
        event: EVENTS[i % 2],
        status: STATUSES[i % 4],
        key: `call:${i % 5}`,
      });
    }
    await db.query(
      `INSERT INTO deliveries (id, event_id, webhook_id, webhook_name, url, event, body, status,
                               attempt_count, next_attempt_at, ordering_key, sequence, created_at,
                               updated_at)
       SELECT u.id, 1000 + u.n, $1, 'before partitions', 'https://127.0.0.1:9/hook', u.event,
              '{"n":' || u.n || '}', u.status, 1,
              CASE WHEN u.status = 'pending' THEN now() END, u.key, u.n, u.at, u.at
         FROM unnest($2::uuid[], $3::text[], $4::text[], $5::text[], $6::timestamptz[])
              WITH ORDINALITY AS u(id, event, status, key, at, n)`,
      [
        webhookId,
        seeded.map((s) => s.id),
        seeded.map((s) => s.event),
        seeded.map((s) => s.status),
        seeded.map((s) => s.key),
        seeded.map((s) => s.at),
      ],
    );
    await db.query(
      `INSERT INTO delivery_attempts (delivery_id, number, trigger, started_at, duration_ms,
                                     request_headers, response_status, response_body)
       SELECT d.id, n, 'auto', d.created_at, 12, '{"x-zorio-delivery":"1"}', 500,
              convert_to('answer ' || n || ' of ' || d.id, 'UTF8') || '\\x00ff'::bytea
         FROM deliveries d, generate_series(1, 2) n
        WHERE d.status <> 'cancelled'`,
    );
  }

  const deliveries = () =>
    db.query<unknown[]>(`SELECT to_jsonb(d) AS row FROM deliveries d ORDER BY d.id`);
  const attempts = () =>
    db.query<unknown[]>(
      `SELECT to_jsonb(a) - 'delivery_created_at' AS row FROM delivery_attempts a ORDER BY a.id`,
    );

  async function partitioned(): Promise<{ parent: string; child: string }[]> {
    return db.query(
      `SELECT p.relname AS parent, c.relname AS child
         FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
        WHERE p.relname IN ('deliveries', 'delivery_attempts') AND p.relkind = 'p'`,
    );
  }

  it('copies every delivery and attempt into day partitions, and back down and up again', async () => {
    await run('down');
    await seed();
    expect(await partitioned()).toEqual([]);
    const [before, attemptsBefore] = [await deliveries(), await attempts()];
    expect(before).toHaveLength(40);
    expect(attemptsBefore).toHaveLength(60);

    await run('up');
    expect(await deliveries()).toEqual(before);
    expect(await attempts()).toEqual(attemptsBefore);
    const children = await partitioned();
    for (const s of seeded) {
      const day = s.at.toISOString().slice(0, 10).replace(/-/g, '');
      expect(children).toContainEqual({ parent: 'deliveries', child: `deliveries_p${day}` });
      expect(children).toContainEqual({
        parent: 'delivery_attempts',
        child: `delivery_attempts_p${day}`,
      });
    }
    const ahead = new Date(Date.now() + 7 * DAY).toISOString().slice(0, 10).replace(/-/g, '');
    expect(children).toContainEqual({ parent: 'deliveries', child: `deliveries_p${ahead}` });
    const defaults: unknown[] = await db.query(
      `SELECT 1 FROM pg_class c JOIN pg_inherits i ON i.inhrelid = c.oid
        WHERE pg_get_expr(c.relpartbound, c.oid) = 'DEFAULT'`,
    );
    expect(defaults).toEqual([]);
    // Each attempt sits in its delivery's day.
    const misfiled: unknown[] = await db.query(
      `SELECT 1 FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id
        WHERE a.delivery_created_at <> d.created_at`,
    );
    expect(misfiled).toEqual([]);

    await run('down');
    expect(await partitioned()).toEqual([]);
    expect(await deliveries()).toEqual(before);
    expect(await attempts()).toEqual(attemptsBefore);
    await run('up');
    expect(await deliveries()).toEqual(before);
    expect(await attempts()).toEqual(attemptsBefore);
  });

  describe('the console on the migrated database', () => {
    let admin: Session;

    beforeAll(async () => {
      t = await startApp(scratch.env);
      admin = await login(t);
    });

    /** Every page of a filtered list, following next_cursor. */
    async function walk(query: Record<string, string>): Promise<string[]> {
      const ids: string[] = [];
      let cursor: string | null = null;
      for (let pages = 0; pages < 50; pages++) {
        const res = await admin
          .get('/api/admin/deliveries')
          .query({ ...query, limit: '7', ...(cursor ? { cursor } : {}) })
          .expect(200);
        ids.push(...(res.body.data as { id: string }[]).map((d) => d.id));
        cursor = res.body.next_cursor as string | null;
        if (!cursor) break;
      }
      return ids;
    }

    function expected(keep: (s: Seeded) => boolean): string[] {
      return seeded
        .filter(keep)
        .sort((a, b) => b.at.getTime() - a.at.getTime() || (a.id < b.id ? 1 : -1))
        .map((s) => s.id);
    }

    it('lists every delivery under every filter, across days, page by page', async () => {
      expect(await walk({ webhook_id: webhookId })).toEqual(expected(() => true));
      expect(await walk({ webhook_id: webhookId, status: 'dead_letter' })).toEqual(
        expected((s) => s.status === 'dead_letter'),
      );
      expect(await walk({ webhook_id: webhookId, status: 'pending' })).toEqual(
        expected((s) => s.status === 'pending'),
      );
      expect(await walk({ event: EVENTS[1], webhook_id: webhookId })).toEqual(
        expected((s) => s.event === EVENTS[1]),
      );
      expect(await walk({ ordering_key: 'call:2', webhook_id: webhookId })).toEqual(
        expected((s) => s.key === 'call:2'),
      );
      const from = new Date(Date.now() - 2.5 * DAY);
      const to = new Date(Date.now() - 0.5 * DAY);
      expect(
        await walk({ webhook_id: webhookId, from: from.toISOString(), to: to.toISOString() }),
      ).toEqual(expected((s) => s.at >= from && s.at < to));
    });

    it('shows each old delivery by its id, with its attempts and their response bodies', async () => {
      for (const s of [seeded[0], seeded[5], seeded[10]]) {
        const res = await admin.get(`/api/admin/deliveries/${s.id}`).expect(200);
        const d = res.body.data as {
          id: string;
          status: string;
          created_at: string;
          attempts: { number: number; response_status: number; response_body: string }[];
        };
        expect(d).toMatchObject({ id: s.id, status: s.status, created_at: s.at.toISOString() });
        expect(d.attempts.map((a) => a.number)).toEqual([1, 2]);
        expect(d.attempts[0].response_body).toContain(`answer 1 of ${s.id}`);
      }
      await admin.get(`/api/admin/deliveries/${randomUUID()}`).expect(404);
    });
  });
});
