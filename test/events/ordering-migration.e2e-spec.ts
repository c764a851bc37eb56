import type { DataSource } from 'typeorm';
import { EventOrdering1764000040000 } from '../../migrations/1764000040000-EventOrdering';
import { EVENT_NAMES, EVENT_TYPES, orderingKeyOf } from '../../src/events/catalogue';
import { useScratchDataSource } from '../foundation/scratch-db';

/**
 * The migration that adds keys and sequences backfills rows written before it: each gets its
 * catalogue key from its payload, numbered per key in id order, and the key's counter continues.
 */
describe('migration EventOrdering: backfill of existing outbox rows', () => {
  let db: DataSource;
  useScratchDataSource('ordering_migration', (source) => (db = source));

  it('keys every old row by the catalogue rule, numbers them per key, and continues the counters', async () => {
    const migration = new EventOrdering1764000040000();
    const q = db.createQueryRunner();
    let odd: { id: string };
    try {
      await migration.down(q);
      // Every event's sample twice (the samples share keys), and a row with a payload of nothing.
      for (const name of [...EVENT_NAMES, ...EVENT_NAMES]) {
        await q.query(
          `INSERT INTO outbox_events (event_name, payload, occurred_at) VALUES ($1, $2, now())`,
          [name, JSON.stringify(EVENT_TYPES[name].sample)],
        );
      }
      [odd] = (await q.query(
        `INSERT INTO outbox_events (event_name, payload, occurred_at)
         VALUES ('pbx.call.answered', '{}', now()) RETURNING id::text AS id`,
      )) as { id: string }[];
      await migration.up(q);
    } finally {
      await q.release();
    }

    const rows: { id: string; event_name: string; k: string; s: number }[] = await db.query(
      `SELECT id::text AS id, event_name, ordering_key AS k, sequence::int AS s
         FROM outbox_events ORDER BY outbox_events.id`,
    );
    const counts = new Map<string, number>();
    for (const r of rows) {
      const name = r.event_name as (typeof EVENT_NAMES)[number];
      const key = r.k.startsWith('event:')
        ? `event:${r.id}`
        : orderingKeyOf(name, EVENT_TYPES[name].sample);
      expect(r.k).toBe(key);
      counts.set(key, (counts.get(key) ?? 0) + 1);
      expect(r.s).toBe(counts.get(key));
    }
    expect(rows.filter((r) => r.k.startsWith('event:')).map((r) => r.k)).toEqual([
      `event:${odd.id}`,
    ]);
    const counters: { k: string; last: number }[] = await db.query(
      `SELECT ordering_key AS k, last_sequence::int AS last FROM event_sequences`,
    );
    expect(new Map(counters.map((c) => [c.k, c.last]))).toEqual(counts);
  });
});
