import { MigrationInterface, QueryRunner } from 'typeorm';

export class Webhooks1764000002000 implements MigrationInterface {
  name = 'Webhooks1764000002000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "webhooks" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "display_name" character varying(100) NOT NULL,
        "url" character varying(2048) NOT NULL,
        "events" text array NOT NULL,
        "status" character varying(16) NOT NULL DEFAULT 'active',
        "secret_encrypted" text NOT NULL,
        "consecutive_failures" integer NOT NULL DEFAULT 0,
        "suspended_at" TIMESTAMP WITH TIME ZONE,
        "suspended_reason" text,
        "secret_rotated_at" TIMESTAMP WITH TIME ZONE,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "PK_webhooks" PRIMARY KEY ("id")
      )`);
    await q.query(`
      CREATE TABLE "deliveries" (
        "id" uuid NOT NULL,
        "event_id" bigint,
        "webhook_id" uuid,
        "webhook_name" character varying(100) NOT NULL,
        "url" character varying(2048) NOT NULL,
        "event" character varying(64) NOT NULL,
        "body" text NOT NULL,
        "is_test" boolean NOT NULL DEFAULT false,
        "status" character varying(16) NOT NULL,
        "attempt_count" integer NOT NULL DEFAULT 0,
        "next_attempt_at" TIMESTAMP WITH TIME ZONE,
        "claimed_until" TIMESTAMP WITH TIME ZONE,
        "replay_requested" boolean NOT NULL DEFAULT false,
        "last_response_status" integer,
        "last_error" text,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "PK_deliveries" PRIMARY KEY ("id"),
        CONSTRAINT "FK_deliveries_webhook" FOREIGN KEY ("webhook_id") REFERENCES "webhooks"("id") ON DELETE SET NULL
      )`);
    await q.query(
      `CREATE UNIQUE INDEX "deliveries_event_webhook_uq" ON "deliveries" ("event_id", "webhook_id") WHERE event_id IS NOT NULL`,
    );
    await q.query(`CREATE INDEX "deliveries_created_idx" ON "deliveries" ("created_at", "id")`);
    await q.query(
      `CREATE INDEX "deliveries_webhook_created_idx" ON "deliveries" ("webhook_id", "created_at", "id")`,
    );
    await q.query(
      `CREATE INDEX "deliveries_due_idx" ON "deliveries" ("next_attempt_at") WHERE status IN ('pending', 'retrying')`,
    );
    await q.query(`
      CREATE TABLE "delivery_attempts" (
        "id" BIGSERIAL NOT NULL,
        "delivery_id" uuid NOT NULL,
        "number" integer NOT NULL,
        "trigger" character varying(8) NOT NULL,
        "started_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "duration_ms" integer NOT NULL,
        "request_headers" jsonb NOT NULL,
        "response_status" integer,
        "response_headers" jsonb,
        "response_body" text,
        "response_body_truncated" boolean NOT NULL DEFAULT false,
        "error_code" character varying(16),
        "error_message" text,
        CONSTRAINT "PK_delivery_attempts" PRIMARY KEY ("id"),
        CONSTRAINT "FK_delivery_attempts_delivery" FOREIGN KEY ("delivery_id") REFERENCES "deliveries"("id") ON DELETE CASCADE
      )`);
    await q.query(
      `CREATE INDEX "delivery_attempts_delivery_idx" ON "delivery_attempts" ("delivery_id", "number")`,
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "delivery_attempts"`);
    await q.query(`DROP TABLE "deliveries"`);
    await q.query(`DROP TABLE "webhooks"`);
  }
}
