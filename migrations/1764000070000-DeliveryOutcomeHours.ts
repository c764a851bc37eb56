import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Finished deliveries per webhook and hour, for the webhooks page's 24-hour success rate (which
 * counted a day of every webhook's history on each page view). Filled from the last day's history
 * by the hour each delivery last changed. No foreign key: a deleted webhook's rows go with the
 * rest, by age (retention).
 */
export class DeliveryOutcomeHours1764000070000 implements MigrationInterface {
  name = 'DeliveryOutcomeHours1764000070000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "delivery_outcome_hours" (
         "webhook_id" uuid NOT NULL,
         "hour" TIMESTAMP WITH TIME ZONE NOT NULL,
         "succeeded" integer NOT NULL,
         "dead_lettered" integer NOT NULL,
         CONSTRAINT "PK_delivery_outcome_hours" PRIMARY KEY ("webhook_id", "hour"))`,
    );
    // Deliveries finish within days of their event (the retry schedule); three days covers them.
    await q.query(
      `INSERT INTO "delivery_outcome_hours" ("webhook_id", "hour", "succeeded", "dead_lettered")
       SELECT webhook_id, date_trunc('hour', updated_at),
              count(*) FILTER (WHERE status = 'succeeded'),
              count(*) FILTER (WHERE status = 'dead_letter')
         FROM deliveries
        WHERE created_at > now() - interval '3 days'
          AND updated_at >= date_trunc('hour', now()) - interval '23 hours'
          AND status IN ('succeeded', 'dead_letter') AND NOT is_test AND webhook_id IS NOT NULL
        GROUP BY 1, 2`,
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "delivery_outcome_hours"`);
  }
}
