import { MigrationInterface, QueryRunner } from 'typeorm';

export class Foundation1764000000000 implements MigrationInterface {
  name = 'Foundation1764000000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE EXTENSION IF NOT EXISTS citext`);
    await q.query(`CREATE EXTENSION IF NOT EXISTS pgcrypto`);
    await q.query(`
      CREATE TABLE "users" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "email" citext NOT NULL,
        "name" character varying(100) NOT NULL,
        "role" character varying(16) NOT NULL,
        "password_hash" text NOT NULL,
        "disabled" boolean NOT NULL DEFAULT false,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "UQ_97672ac88f789774dd47f7c8be3" UNIQUE ("email"),
        CONSTRAINT "PK_a3ffb1c0c8416b9fc6f907b7433" PRIMARY KEY ("id")
      )`);
    await q.query(`
      CREATE TABLE "api_tokens" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "name" character varying(100) NOT NULL,
        "token_hash" character(64) NOT NULL,
        "scopes" text array NOT NULL,
        "ip_allowlist" text array,
        "expires_at" TIMESTAMP WITH TIME ZONE,
        "revoked_at" TIMESTAMP WITH TIME ZONE,
        "last_used_at" TIMESTAMP WITH TIME ZONE,
        "created_by" uuid,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "PK_api_tokens" PRIMARY KEY ("id")
      )`);
    await q.query(`CREATE SEQUENCE "audit_log_id_seq" AS bigint`);
    await q.query(`
      CREATE TABLE "audit_log" (
        "id" bigint NOT NULL,
        "occurred_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "actor_type" character varying(16) NOT NULL,
        "actor_id" text,
        "actor_name" text,
        "action" character varying(64) NOT NULL,
        "target_type" character varying(64),
        "target_id" text,
        "ip" text,
        "user_agent" text,
        "changes" jsonb,
        "prev_hash" character(64) NOT NULL,
        "hash" character(64) NOT NULL,
        CONSTRAINT "PK_audit_log" PRIMARY KEY ("id")
      )`);
    await q.query(`CREATE INDEX "audit_log_action_idx" ON "audit_log" ("action", "id")`);
    await q.query(
      `CREATE INDEX "audit_log_target_idx" ON "audit_log" ("target_type", "target_id", "id")`,
    );
    await q.query(`CREATE INDEX "audit_log_actor_idx" ON "audit_log" ("actor_id", "id")`);
    await q.query(`CREATE INDEX "audit_log_occurred_idx" ON "audit_log" ("occurred_at")`);
    // Append-only at the database: no UPDATE, no DELETE, no TRUNCATE, whoever asks.
    await q.query(`
      CREATE FUNCTION audit_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await q.query(`
      CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON "audit_log"
      FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change()`);
    await q.query(`
      CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON "audit_log"
      FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change()`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "audit_log"`);
    await q.query(`DROP FUNCTION audit_log_refuse_change()`);
    await q.query(`DROP SEQUENCE "audit_log_id_seq"`);
    await q.query(`DROP TABLE "api_tokens"`);
    await q.query(`DROP TABLE "users"`);
  }
}
