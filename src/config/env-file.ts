import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { config as dotenv } from 'dotenv';

/** Loads `.env` from the working directory into process.env without overriding what is set. */
export function loadEnvFile(path = resolve(process.cwd(), '.env')): void {
  if (existsSync(path)) dotenv({ path, override: false, quiet: true });
}

/** The database URL alone, for tools (migration CLI) that need nothing else. */
export function databaseUrlFromEnv(): string {
  return process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/zorio';
}
