import { randomBytes } from 'node:crypto';
import { ensureDatabase, runMigrations } from '../../src/database/migrate';

/**
 * One fresh database and Redis prefix per `npm test` run, migrated with the real migrations, so
 * two runs never collide. Dropped again by global-teardown.
 */
export default async function globalSetup(): Promise<void> {
  const run = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  const base = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const url = new URL(base);
  url.pathname = `/zorio_test_${run}`;
  process.env.DATABASE_URL = url.toString();
  process.env.REDIS_PREFIX = `zorio-test-${run}`;
  process.env.SECRETS_KEY = randomBytes(32).toString('base64');
  process.env.SESSION_SECRET = randomBytes(32).toString('hex');
  process.env.LOG_LEVEL = process.env.TEST_LOG_LEVEL ?? 'silent';
  process.env.WEBHOOK_ALLOW_PRIVATE_NETWORKS = 'true';
  await ensureDatabase(process.env.DATABASE_URL);
  await runMigrations(process.env.DATABASE_URL);
}
