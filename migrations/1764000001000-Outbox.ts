import { MigrationInterface, QueryRunner } from 'typeorm';

export class Outbox1764000001000 implements MigrationInterface {
  name = 'Outbox1764000001000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "outbox_events" (
        "id" BIGSERIAL NOT NULL,
        "event_name" character varying(64) NOT NULL,
        "payload" json NOT NULL,
        "occurred_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "published_at" TIMESTAMP WITH TIME ZONE,
        CONSTRAINT "PK_outbox_events" PRIMARY KEY ("id")
      )`);
    await q.query(
      `CREATE INDEX "outbox_events_unpublished_idx" ON "outbox_events" ("id") WHERE published_at IS NULL`,
    );
    await q.query(`CREATE INDEX "outbox_events_occurred_idx" ON "outbox_events" ("occurred_at")`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "outbox_events"`);
  }
}
