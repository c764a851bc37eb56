import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { DeliveryOutcomeHours1764000070000 } from '../../migrations/1764000070000-DeliveryOutcomeHours';
import { useScratchDataSource } from '../foundation/scratch-db';

const HOUR = 3_600_000;

/**
 * The migration that adds the hourly counts of finished deliveries (the webhooks page's 24-hour
 * success rate) fills them from the history: each finished delivery of the last 24 clock hours
 * under the hour it last changed, test deliveries and open or cancelled ones left out.
 */
describe('migration DeliveryOutcomeHours: filled from the last day of history', () => {
  let db: DataSource;
  useScratchDataSource('outcome_hours', (scratchDb) => (db = scratchDb));
  const migration = new DeliveryOutcomeHours1764000070000();
  const webhookId = randomUUID();

  async function run(step: 'up' | 'down'): Promise<void> {
    const q = db.createQueryRunner();
    try {
      await migration[step](q);
    } finally {
      await q.release();
    }
  }

  it('counts what finished in the last 24 clock hours, by hour, and nothing else', async () => {
    await db.query(
      `INSERT INTO webhooks (id, display_name, url, events, status, secret_encrypted)
       VALUES ($1, 'before the counts', 'https://127.0.0.1:9/hook', '{pbx.call.hangup}', 'active', 'x')`,
      [webhookId],
    );
    const now = Date.now();
    // [status, is_test, hours since the delivery last changed]
    const rows: [string, boolean, number][] = [
      ['succeeded', false, 0],
      ['succeeded', false, 0],
      ['dead_letter', false, 0],
      ['succeeded', true, 0],
      ['pending', false, 0],
      ['cancelled', false, 0],
      ['succeeded', false, 5],
      ['dead_letter', false, 5],
      ['succeeded', false, 30],
    ];
    await db.query(
      `INSERT INTO deliveries (id, event_id, webhook_id, webhook_name, url, event, body, status,
                               is_test, attempt_count, created_at, updated_at)
       SELECT gen_random_uuid(), 5000 + u.n, $1, 'before the counts', 'https://127.0.0.1:9/hook',
              'pbx.call.hangup', '{}', u.status, u.test, 1, u.at, u.at
         FROM unnest($2::text[], $3::bool[], $4::timestamptz[]) WITH ORDINALITY
              AS u(status, test, at, n)`,
      [
        webhookId,
        rows.map((r) => r[0]),
        rows.map((r) => r[1]),
        rows.map((r) => new Date(now - r[2] * HOUR)),
      ],
    );
    await run('down');
    await run('up');
    const counts = await db.query<{ hour: Date; succeeded: number; dead_lettered: number }[]>(
      `SELECT hour, succeeded, dead_lettered
         FROM delivery_outcome_hours WHERE webhook_id = $1 ORDER BY hour DESC`,
      [webhookId],
    );
    const hourOf = (hoursAgo: number) =>
      new Date(Math.floor((now - hoursAgo * HOUR) / HOUR) * HOUR);
    expect(counts).toEqual([
      { hour: hourOf(0), succeeded: 2, dead_lettered: 1 },
      { hour: hourOf(5), succeeded: 1, dead_lettered: 1 },
    ]);
  });
});
