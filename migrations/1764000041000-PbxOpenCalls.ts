import { MigrationInterface, QueryRunner } from 'typeorm';

/** Open call legs (no hangup yet), for the stale-call count; ended legs never enter it. */
export class PbxOpenCalls1764000041000 implements MigrationInterface {
  name = 'PbxOpenCalls1764000041000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX "pbx_calls_open_idx" ON "pbx_calls" ("created_at") WHERE status <> 'ended'`,
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "pbx_calls_open_idx"`);
  }
}
