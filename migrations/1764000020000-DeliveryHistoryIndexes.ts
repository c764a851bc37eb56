import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The delivery history filtered by event, or by a failed status, without a webhook: newest first
 * over 1,000,000 deliveries these walked deliveries_created_idx back through every newer delivery
 * of other events or statuses (350 ms at p95 in `npm run bench`, scenario e). The failed-status
 * index is partial, so the hot path (pending → succeeded) never writes to it.
 */
export class DeliveryHistoryIndexes1764000020000 implements MigrationInterface {
  name = 'DeliveryHistoryIndexes1764000020000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX "deliveries_event_created_idx" ON "deliveries" ("event", "created_at", "id")`,
    );
    await q.query(
      `CREATE INDEX "deliveries_failed_created_idx" ON "deliveries" ("created_at", "id") WHERE status IN ('dead_letter', 'cancelled')`,
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "deliveries_failed_created_idx"`);
    await q.query(`DROP INDEX "deliveries_event_created_idx"`);
  }
}
