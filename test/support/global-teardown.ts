import Redis from 'ioredis';
import { Client } from 'pg';
import { deletePrefix } from './redis-keys';

export default async function globalTeardown(): Promise<void> {
  const dbUrl = process.env.DATABASE_URL;
  if (dbUrl && /zorio_test_/.test(dbUrl)) {
    const name = new URL(dbUrl).pathname.slice(1);
    const admin = new URL(dbUrl);
    admin.pathname = '/postgres';
    const client = new Client({ connectionString: admin.toString() });
    await client.connect();
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await client.end();
  }
  const prefix = process.env.REDIS_PREFIX;
  if (prefix?.startsWith('zorio-test-')) {
    const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
    await deletePrefix(redis, prefix);
    await redis.quit();
  }
}
