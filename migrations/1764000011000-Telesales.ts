import { MigrationInterface, QueryRunner } from 'typeorm';

/** Telesales: campaigns, their leads (phone unique per campaign) and call dispositions. */
export class Telesales1764000011000 implements MigrationInterface {
  name = 'Telesales1764000011000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "telesales_campaigns" (
        "id" SERIAL NOT NULL,
        "name" character varying(200) NOT NULL,
        "dialer_mode" character varying(16) NOT NULL,
        "description" text,
        "status" character varying(16) NOT NULL DEFAULT 'active',
        "completed_at" TIMESTAMP WITH TIME ZONE,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "PK_telesales_campaigns" PRIMARY KEY ("id")
      )`);
    await q.query(`
      CREATE TABLE "telesales_leads" (
        "id" SERIAL NOT NULL,
        "campaign_id" integer NOT NULL,
        "full_name" character varying(200) NOT NULL,
        "phone" character varying(20) NOT NULL,
        "email" character varying(254),
        "custom_fields" jsonb NOT NULL DEFAULT '{}',
        "status" character varying(16) NOT NULL DEFAULT 'new',
        "disposition_code" character varying(64),
        "dialed_at" TIMESTAMP WITH TIME ZONE,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "telesales_leads_campaign_phone_key" UNIQUE ("campaign_id", "phone"),
        CONSTRAINT "PK_telesales_leads" PRIMARY KEY ("id")
      )`);
    await q.query(
      `CREATE INDEX "telesales_leads_undialed_idx" ON "telesales_leads" ("campaign_id") WHERE dialed_at IS NULL`,
    );
    await q.query(`
      ALTER TABLE "telesales_leads" ADD CONSTRAINT "telesales_leads_campaign_fk"
      FOREIGN KEY ("campaign_id") REFERENCES "telesales_campaigns"("id")
      ON DELETE CASCADE ON UPDATE NO ACTION`);
    await q.query(`
      CREATE TABLE "telesales_dispositions" (
        "id" BIGSERIAL NOT NULL,
        "lead_id" integer NOT NULL,
        "campaign_id" integer NOT NULL,
        "call_uuid" uuid NOT NULL,
        "agent_extension" character varying(32) NOT NULL,
        "disposition_code" character varying(64) NOT NULL,
        "note" text,
        "callback_at" TIMESTAMP WITH TIME ZONE,
        "disposed_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "telesales_dispositions_lead_call_key" UNIQUE ("lead_id", "call_uuid"),
        CONSTRAINT "PK_telesales_dispositions" PRIMARY KEY ("id")
      )`);
    await q.query(`
      ALTER TABLE "telesales_dispositions" ADD CONSTRAINT "telesales_dispositions_lead_fk"
      FOREIGN KEY ("lead_id") REFERENCES "telesales_leads"("id")
      ON DELETE CASCADE ON UPDATE NO ACTION`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "telesales_dispositions"`);
    await q.query(`DROP TABLE "telesales_leads"`);
    await q.query(`DROP TABLE "telesales_campaigns"`);
  }
}
