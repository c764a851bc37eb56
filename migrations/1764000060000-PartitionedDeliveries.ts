import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Delivery history partitioned by day (docs/architecture.md, "Delivery history partitions"):
 * `deliveries` by RANGE (created_at), `delivery_attempts` by RANGE (delivery_created_at), the
 * created_at of the delivery an attempt belongs to, so a delivery and its attempts live in the same
 * day and leave together. One partition per UTC day, no DEFAULT partition.
 *
 * Every existing row is kept: partitions are made for every day that holds a delivery, for the 30
 * days before today and the 7 after (the app keeps that window from then on), the rows are copied,
 * the old tables dropped and the indexes and constraints built again on the partitioned ones. A
 * unique key on a partitioned table must hold the partition key, so the primary keys become
 * (id, created_at) and (id, delivery_created_at), and the fan-out dedupe key
 * (event_id, webhook_id, created_at): fan-out gives a delivery its event's time as created_at, so a
 * second fan-out of the same event meets the same key. Attempts no longer reference deliveries by a
 * foreign key: they are written only for a claimed delivery and go with its day's partition.
 *
 * The copy holds both tables exclusively while it runs: plan a short maintenance window when the
 * history is large.
 */
export class PartitionedDeliveries1764000060000 implements MigrationInterface {
  name = 'PartitionedDeliveries1764000060000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "deliveries" RENAME TO "deliveries_unpartitioned"`);
    await q.query(`ALTER TABLE "delivery_attempts" RENAME TO "delivery_attempts_unpartitioned"`);
    await q.query(`ALTER SEQUENCE "delivery_attempts_id_seq" OWNED BY NONE`);
    await q.query(
      `CREATE TABLE "deliveries" (${DELIVERY_COLUMNS}) PARTITION BY RANGE ("created_at")`,
    );
    await q.query(
      `CREATE TABLE "delivery_attempts" (${ATTEMPT_COLUMNS},
         "delivery_created_at" TIMESTAMP WITH TIME ZONE NOT NULL)
       PARTITION BY RANGE ("delivery_created_at")`,
    );
    const days = (await q.query(
      `SELECT DISTINCT date_trunc('day', created_at, 'UTC') AS day FROM deliveries_unpartitioned
       UNION
       SELECT generate_series(date_trunc('day', now(), 'UTC') - interval '30 days',
                              date_trunc('day', now(), 'UTC') + interval '7 days',
                              interval '1 day')
       ORDER BY 1`,
    )) as { day: Date }[];
    for (const { day } of days) await createPartitions(q, day);
    await q.query(
      `INSERT INTO deliveries (${DELIVERY_NAMES}) SELECT ${DELIVERY_NAMES} FROM deliveries_unpartitioned`,
    );
    await q.query(
      `INSERT INTO delivery_attempts (${ATTEMPT_NAMES}, delivery_created_at)
       SELECT ${prefixed('a', ATTEMPT_NAMES)}, d.created_at
         FROM delivery_attempts_unpartitioned a
         JOIN deliveries_unpartitioned d ON d.id = a.delivery_id`,
    );
    await q.query(`DROP TABLE "delivery_attempts_unpartitioned"`);
    await q.query(`DROP TABLE "deliveries_unpartitioned"`);
    await q.query(`ALTER SEQUENCE "delivery_attempts_id_seq" OWNED BY "delivery_attempts"."id"`);
    await q.query(
      `ALTER TABLE "deliveries" ADD CONSTRAINT "PK_deliveries" PRIMARY KEY ("id", "created_at")`,
    );
    await q.query(
      `CREATE UNIQUE INDEX "deliveries_event_webhook_uq" ON "deliveries" ("event_id", "webhook_id", "created_at")`,
    );
    await deliveryIndexes(q);
    await q.query(
      `ALTER TABLE "delivery_attempts" ADD CONSTRAINT "PK_delivery_attempts" PRIMARY KEY ("id", "delivery_created_at")`,
    );
    await q.query(
      `CREATE INDEX "delivery_attempts_delivery_idx" ON "delivery_attempts" ("delivery_id", "number")`,
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "deliveries" RENAME TO "deliveries_partitioned"`);
    await q.query(`ALTER TABLE "delivery_attempts" RENAME TO "delivery_attempts_partitioned"`);
    await q.query(`ALTER SEQUENCE "delivery_attempts_id_seq" OWNED BY NONE`);
    await q.query(`CREATE TABLE "deliveries" (${DELIVERY_COLUMNS})`);
    await q.query(`CREATE TABLE "delivery_attempts" (${ATTEMPT_COLUMNS})`);
    await q.query(
      `INSERT INTO deliveries (${DELIVERY_NAMES}) SELECT ${DELIVERY_NAMES} FROM deliveries_partitioned`,
    );
    await q.query(
      `INSERT INTO delivery_attempts (${ATTEMPT_NAMES})
       SELECT ${ATTEMPT_NAMES} FROM delivery_attempts_partitioned`,
    );
    await q.query(`DROP TABLE "delivery_attempts_partitioned"`);
    await q.query(`DROP TABLE "deliveries_partitioned"`);
    await q.query(`ALTER SEQUENCE "delivery_attempts_id_seq" OWNED BY "delivery_attempts"."id"`);
    await q.query(`ALTER TABLE "deliveries" ADD CONSTRAINT "PK_deliveries" PRIMARY KEY ("id")`);
    await q.query(
      `CREATE UNIQUE INDEX "deliveries_event_webhook_uq" ON "deliveries" ("event_id", "webhook_id") WHERE event_id IS NOT NULL`,
    );
    await deliveryIndexes(q);
    await q.query(
      `ALTER TABLE "delivery_attempts" ADD CONSTRAINT "PK_delivery_attempts" PRIMARY KEY ("id")`,
    );
    await q.query(
      `ALTER TABLE "delivery_attempts" ADD CONSTRAINT "FK_delivery_attempts_delivery" FOREIGN KEY ("delivery_id") REFERENCES "deliveries"("id") ON DELETE CASCADE`,
    );
    await q.query(
      `CREATE INDEX "delivery_attempts_delivery_idx" ON "delivery_attempts" ("delivery_id", "number")`,
    );
  }
}

const DELIVERY_COLUMNS = `
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
  "ordering_key" text,
  "sequence" bigint`;

const DELIVERY_NAMES = `id, event_id, webhook_id, webhook_name, url, event, body, is_test, status,
  attempt_count, next_attempt_at, claimed_until, replay_requested, last_response_status,
  last_error, created_at, updated_at, ordering_key, sequence`;

const ATTEMPT_COLUMNS = `
  "id" bigint NOT NULL DEFAULT nextval('delivery_attempts_id_seq'::regclass),
  "delivery_id" uuid NOT NULL,
  "number" integer NOT NULL,
  "trigger" character varying(8) NOT NULL,
  "started_at" TIMESTAMP WITH TIME ZONE NOT NULL,
  "duration_ms" integer NOT NULL,
  "request_headers" jsonb NOT NULL,
  "response_status" integer,
  "response_headers" jsonb,
  "response_body" bytea,
  "response_body_truncated" boolean NOT NULL DEFAULT false,
  "error_code" character varying(16),
  "error_message" text`;

const ATTEMPT_NAMES = `id, delivery_id, number, trigger, started_at, duration_ms, request_headers,
  response_status, response_headers, response_body, response_body_truncated, error_code,
  error_message`;

function prefixed(alias: string, names: string): string {
  return names
    .split(',')
    .map((n) => `${alias}.${n.trim()}`)
    .join(', ');
}

/** The day's partition of both tables, named `<table>_pYYYYMMDD` (UTC), as the app names them. */
async function createPartitions(q: QueryRunner, day: Date): Promise<void> {
  const from = day.toISOString();
  const to = new Date(day.getTime() + 86_400_000).toISOString();
  const suffix = from.slice(0, 10).replace(/-/g, '');
  for (const table of ['deliveries', 'delivery_attempts']) {
    await q.query(
      `CREATE TABLE "${table}_p${suffix}" PARTITION OF "${table}"
         FOR VALUES FROM ('${from}') TO ('${to}')`,
    );
  }
}

/** The history, lane and sweeper indexes of deliveries (1764000002000 to 1764000031000). */
async function deliveryIndexes(q: QueryRunner): Promise<void> {
  await q.query(
    `ALTER TABLE "deliveries" ADD CONSTRAINT "FK_deliveries_webhook" FOREIGN KEY ("webhook_id") REFERENCES "webhooks"("id") ON DELETE SET NULL`,
  );
  const open = `WHERE status IN ('pending', 'retrying')`;
  for (const sql of [
    `"deliveries_created_idx" ON "deliveries" ("created_at", "id")`,
    `"deliveries_webhook_created_idx" ON "deliveries" ("webhook_id", "created_at", "id")`,
    `"deliveries_event_created_idx" ON "deliveries" ("event", "created_at", "id")`,
    `"deliveries_key_created_idx" ON "deliveries" ("ordering_key", "created_at", "id")`,
    `"deliveries_failed_created_idx" ON "deliveries" ("created_at", "id") WHERE status IN ('dead_letter', 'cancelled')`,
    `"deliveries_open_created_idx" ON "deliveries" ("created_at", "id") ${open}`,
    `"deliveries_lane_due_idx" ON "deliveries" ("webhook_id", "next_attempt_at", "created_at", "event_id") ${open}`,
    `"deliveries_lane_key_idx" ON "deliveries" ("webhook_id", "ordering_key", "sequence") ${open}`,
  ]) {
    await q.query(`CREATE INDEX ${sql}`);
  }
}
