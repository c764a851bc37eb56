import { MigrationInterface, QueryRunner } from 'typeorm';

/** AutoCall: campaigns with a lifecycle, their leads (phone unique per campaign) and calls. */
export class Autocall1764000012000 implements MigrationInterface {
  name = 'Autocall1764000012000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "autocall_campaigns" (
        "id" SERIAL NOT NULL,
        "name" character varying(200) NOT NULL,
        "description" text,
        "max_concurrent" integer NOT NULL DEFAULT 10,
        "status" character varying(16) NOT NULL DEFAULT 'draft',
        "finished_reason" character varying(32),
        "started_at" TIMESTAMP WITH TIME ZONE,
        "finished_at" TIMESTAMP WITH TIME ZONE,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "PK_autocall_campaigns" PRIMARY KEY ("id")
      )`);
    await q.query(`
      CREATE TABLE "autocall_leads" (
        "id" SERIAL NOT NULL,
        "campaign_id" integer NOT NULL,
        "phone" character varying(20) NOT NULL,
        "external_ref" character varying(100),
        "payload" jsonb NOT NULL DEFAULT '{}',
        "status" character varying(16) NOT NULL DEFAULT 'pending',
        "attempts" integer NOT NULL DEFAULT 0,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "autocall_leads_campaign_phone_key" UNIQUE ("campaign_id", "phone"),
        CONSTRAINT "PK_autocall_leads" PRIMARY KEY ("id")
      )`);
    await q.query(
      `CREATE INDEX "autocall_leads_open_idx" ON "autocall_leads" ("campaign_id") WHERE status <> 'done'`,
    );
    await q.query(`
      ALTER TABLE "autocall_leads" ADD CONSTRAINT "autocall_leads_campaign_fk"
      FOREIGN KEY ("campaign_id") REFERENCES "autocall_campaigns"("id")
      ON DELETE CASCADE ON UPDATE NO ACTION`);
    await q.query(`
      CREATE TABLE "autocall_calls" (
        "uuid" uuid NOT NULL,
        "campaign_id" integer NOT NULL,
        "lead_id" integer NOT NULL,
        "attempt_number" integer NOT NULL,
        "caller_id" character varying(32) NOT NULL,
        "status" character varying(16) NOT NULL,
        "started_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "answered_at" TIMESTAMP WITH TIME ZONE,
        "transferred_at" TIMESTAMP WITH TIME ZONE,
        "ended_at" TIMESTAMP WITH TIME ZONE,
        "result" character varying(32),
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "PK_autocall_calls" PRIMARY KEY ("uuid")
      )`);
    await q.query(`CREATE INDEX "autocall_calls_lead_idx" ON "autocall_calls" ("lead_id")`);
    await q.query(`
      ALTER TABLE "autocall_calls" ADD CONSTRAINT "autocall_calls_lead_fk"
      FOREIGN KEY ("lead_id") REFERENCES "autocall_leads"("id")
      ON DELETE CASCADE ON UPDATE NO ACTION`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "autocall_calls"`);
    await q.query(`DROP TABLE "autocall_leads"`);
    await q.query(`DROP TABLE "autocall_campaigns"`);
  }
}
