import { MigrationInterface, QueryRunner } from 'typeorm';

/** PBX: live calls seen on the event socket (one row per call leg toward an extension) and CDRs. */
export class Pbx1764000010000 implements MigrationInterface {
  name = 'Pbx1764000010000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "pbx_calls" (
        "id" BIGSERIAL NOT NULL,
        "call_uuid" uuid NOT NULL,
        "extension" character varying(100) NOT NULL,
        "direction" character varying(16) NOT NULL,
        "caller_number" character varying(100) NOT NULL,
        "destination_number" character varying(100) NOT NULL,
        "status" character varying(16) NOT NULL,
        "ringing_at" TIMESTAMP WITH TIME ZONE,
        "answered_at" TIMESTAMP WITH TIME ZONE,
        "started_at" TIMESTAMP WITH TIME ZONE,
        "ended_at" TIMESTAMP WITH TIME ZONE,
        "duration" integer,
        "billsec" integer,
        "hangup_cause" character varying(64),
        "published" text array NOT NULL DEFAULT '{}',
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "pbx_calls_call_extension_key" UNIQUE ("call_uuid", "extension"),
        CONSTRAINT "PK_pbx_calls" PRIMARY KEY ("id")
      )`);
    await q.query(`
      CREATE TABLE "pbx_cdrs" (
        "uuid" uuid NOT NULL,
        "extension" character varying(100) NOT NULL,
        "direction" character varying(16) NOT NULL,
        "caller_number" character varying(100) NOT NULL,
        "destination_number" character varying(100) NOT NULL,
        "started_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "answered_at" TIMESTAMP WITH TIME ZONE,
        "ended_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "duration" integer NOT NULL,
        "billsec" integer NOT NULL,
        "hangup_cause" character varying(64) NOT NULL,
        "result" character varying(16) NOT NULL,
        "queue_name" character varying(200),
        "trunk_name" character varying(200),
        "recording_url" text,
        "variables" jsonb NOT NULL,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "PK_pbx_cdrs" PRIMARY KEY ("uuid")
      )`);
    await q.query(`CREATE INDEX "pbx_cdrs_started_idx" ON "pbx_cdrs" ("started_at", "uuid")`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "pbx_cdrs"`);
    await q.query(`DROP TABLE "pbx_calls"`);
  }
}
