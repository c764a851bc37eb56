import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * When a user last changed their password: console sessions issued before it are no longer
 * accepted (the session that made the change is reissued).
 */
export class UserPasswordChangedAt1764000050000 implements MigrationInterface {
  name = 'UserPasswordChangedAt1764000050000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "users" ADD "password_changed_at" TIMESTAMP WITH TIME ZONE`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "users" DROP COLUMN "password_changed_at"`);
  }
}
