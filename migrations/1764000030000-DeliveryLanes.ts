import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Delivery lanes: every webhook is a lane of its own due deliveries, drained with at most its
 * `max_in_flight` requests open and at most `rate_limit_per_second`, and throttled as a whole by a
 * 429/503 with Retry-After (delivery_lanes.throttled_until). Deliveries carry their event's
 * ordering key and sequence. Response bodies are stored as the bytes the receiver sent (any bytes,
 * NUL included, round-trip). The lane index replaces the global due index: claims and the sweeper
 * walk one webhook's due deliveries in order.
 */
export class DeliveryLanes1764000030000 implements MigrationInterface {
  name = 'DeliveryLanes1764000030000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE "webhooks" ADD "max_in_flight" integer NOT NULL DEFAULT 8,
         ADD "rate_limit_per_second" integer,
         ADD "ordering" character varying(16) NOT NULL DEFAULT 'none'`,
    );
    await q.query(
      `ALTER TABLE "webhooks" ADD CONSTRAINT "CHK_webhooks_max_in_flight" CHECK (max_in_flight BETWEEN 1 AND 64),
         ADD CONSTRAINT "CHK_webhooks_rate_limit" CHECK (rate_limit_per_second BETWEEN 1 AND 10000),
         ADD CONSTRAINT "CHK_webhooks_ordering" CHECK (ordering IN ('none', 'per_key'))`,
    );
    await q.query(`ALTER TABLE "deliveries" ADD "ordering_key" text, ADD "sequence" bigint`);
    await q.query(
      `ALTER TABLE "delivery_attempts" ALTER COLUMN "response_body" TYPE bytea
         USING convert_to(response_body, 'UTF8')`,
    );
    await q.query(
      `CREATE TABLE "delivery_lanes" (
        "webhook_id" uuid NOT NULL,
        "throttled_until" TIMESTAMP WITH TIME ZONE,
        CONSTRAINT "PK_delivery_lanes" PRIMARY KEY ("webhook_id")
      )`,
    );
    await q.query(
      `CREATE INDEX "deliveries_lane_due_idx" ON "deliveries" ("webhook_id", "next_attempt_at", "created_at", "event_id") WHERE status IN ('pending', 'retrying')`,
    );
    await q.query(
      `CREATE INDEX "deliveries_lane_key_idx" ON "deliveries" ("webhook_id", "ordering_key", "sequence") WHERE status IN ('pending', 'retrying')`,
    );
    await q.query(
      `CREATE INDEX "deliveries_key_created_idx" ON "deliveries" ("ordering_key", "created_at", "id")`,
    );
    await q.query(`DROP INDEX "deliveries_due_idx"`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX "deliveries_due_idx" ON "deliveries" ("next_attempt_at") WHERE status IN ('pending', 'retrying')`,
    );
    await q.query(`DROP INDEX "deliveries_key_created_idx"`);
    await q.query(`DROP INDEX "deliveries_lane_key_idx"`);
    await q.query(`DROP INDEX "deliveries_lane_due_idx"`);
    await q.query(`DROP TABLE "delivery_lanes"`);
    await q.query(
      `ALTER TABLE "delivery_attempts" ALTER COLUMN "response_body" TYPE text
         USING convert_from(response_body, 'UTF8')`,
    );
    await q.query(`ALTER TABLE "deliveries" DROP COLUMN "sequence", DROP COLUMN "ordering_key"`);
    await q.query(
      `ALTER TABLE "webhooks" DROP CONSTRAINT "CHK_webhooks_ordering",
         DROP CONSTRAINT "CHK_webhooks_rate_limit", DROP CONSTRAINT "CHK_webhooks_max_in_flight",
         DROP COLUMN "ordering", DROP COLUMN "rate_limit_per_second", DROP COLUMN "max_in_flight"`,
    );
  }
}
