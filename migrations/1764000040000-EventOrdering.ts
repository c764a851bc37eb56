import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Ordering keys and sequences (EVENTS.md §2a): every outbox row gets its key and its position
 * among its key's events; `event_sequences` holds the last sequence handed out per key.
 *
 * Existing rows are backfilled with the catalogue's rule read from their payload (a row whose
 * payload lacks the field gets the key `event:<id>` of its own), numbered per key in id order,
 * and each key's counter starts after its highest backfilled sequence.
 */
export class EventOrdering1764000040000 implements MigrationInterface {
  name = 'EventOrdering1764000040000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "event_sequences" (
        "ordering_key" text NOT NULL,
        "last_sequence" bigint NOT NULL,
        CONSTRAINT "PK_event_sequences" PRIMARY KEY ("ordering_key")
      )`);
    await q.query(`ALTER TABLE "outbox_events" ADD "ordering_key" text`);
    await q.query(`ALTER TABLE "outbox_events" ADD "sequence" bigint`);
    await q.query(`
      UPDATE outbox_events SET ordering_key = COALESCE(
        CASE
          WHEN event_name LIKE 'pbx.%' THEN 'call:' || (payload->>'call_uuid')
          WHEN event_name LIKE 'autocall.lead.%' THEN 'call:' || (payload->>'uuid')
          WHEN event_name IN ('telesales.lead.created', 'telesales.lead.updated')
            THEN 'lead:' || (payload->>'id')
          WHEN event_name = 'telesales.call.disposed' THEN 'lead:' || (payload->>'lead_id')
          WHEN event_name = 'telesales.campaign.completed'
            THEN 'telesales-campaign:' || (payload->>'campaign_id')
          WHEN event_name LIKE 'autocall.campaign.%'
            THEN 'autocall-campaign:' || (payload->>'campaign_id')
        END,
        'event:' || id)`);
    await q.query(`
      UPDATE outbox_events o SET sequence = n.seq
        FROM (SELECT id, row_number() OVER (PARTITION BY ordering_key ORDER BY id) AS seq
                FROM outbox_events) n
       WHERE o.id = n.id`);
    await q.query(`
      INSERT INTO event_sequences (ordering_key, last_sequence)
      SELECT ordering_key, max(sequence) FROM outbox_events GROUP BY ordering_key`);
    await q.query(`ALTER TABLE "outbox_events" ALTER COLUMN "ordering_key" SET NOT NULL`);
    await q.query(`ALTER TABLE "outbox_events" ALTER COLUMN "sequence" SET NOT NULL`);
    await q.query(
      `ALTER TABLE "outbox_events" ADD CONSTRAINT "outbox_events_key_sequence_key" UNIQUE ("ordering_key", "sequence")`,
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "outbox_events" DROP CONSTRAINT "outbox_events_key_sequence_key"`);
    await q.query(`ALTER TABLE "outbox_events" DROP COLUMN "sequence"`);
    await q.query(`ALTER TABLE "outbox_events" DROP COLUMN "ordering_key"`);
    await q.query(`DROP TABLE "event_sequences"`);
  }
}
