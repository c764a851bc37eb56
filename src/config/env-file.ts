import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { config as dotenv } from 'dotenv';

/** Loads `.env` from the working directory into process.env without overriding what is set. */
export function loadEnvFile(path = resolve(process.cwd(), '.env')): void {
  if (existsSync(path)) dotenv({ path, override: false, quiet: true });
}

/**
 * The database URL alone, for tools (migration CLI, admin:create) that need nothing else. They
 * create databases and run migrations, so they go to PostgreSQL itself: DATABASE_DIRECT_URL when
 * set (DATABASE_URL may be a pooler), else DATABASE_URL.
 */
export function databaseUrlFromEnv(): string {
  return (
    process.env.DATABASE_DIRECT_URL ||
    process.env.DATABASE_URL ||
    'postgres://postgres@127.0.0.1:5432/zorio'
  );
}
