import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { ensureDatabase, runMigrations } from '../../src/database/migrate';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/database/data-source-options';
import { startApp, type TestApp } from '../support/app';

export interface ScratchDatabase {
  url: string;
  name: string;
  /**
   * Environment for an app on this database: its DATABASE_URL and a Redis prefix of its own (under
   * the run's, so teardown clears it), so its queue workers never take the shared app's jobs.
   */
  env: { DATABASE_URL: string; REDIS_PREFIX: string };
  /** Runs SQL on the scratch database with a short-lived connection. */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  drop(): Promise<void>;
}

function adminUrl(url: string): string {
  const admin = new URL(url);
  admin.pathname = '/postgres';
  return admin.toString();
}

/**
 * A database of its own (next to the run's database), for tests that need an empty user table or
 * must break the audit chain without disturbing other test files. `migrate: false` leaves it
 * uncreated, for code that must create and migrate it itself.
 */
export async function scratchDatabase(
  label: string,
  { migrate = true }: { migrate?: boolean } = {},
): Promise<ScratchDatabase> {
  const base = process.env.DATABASE_URL;
  if (!base) throw new Error('DATABASE_URL is not set (run through jest globalSetup)');
  const name = `${new URL(base).pathname.slice(1)}_${label}_${randomBytes(3).toString('hex')}`;
  const target = new URL(base);
  target.pathname = `/${name}`;
  const url = target.toString();
  if (migrate) {
    await ensureDatabase(url);
    await runMigrations(url);
  }
  const prefix = process.env.REDIS_PREFIX ?? 'zorio-test';
  return {
    url,
    name,
    env: { DATABASE_URL: url, REDIS_PREFIX: `${prefix}:${label}` },
    async query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
      const client = new Client({ connectionString: url });
      await client.connect();
      try {
        return (await client.query(sql, params)).rows as T[];
      } finally {
        await client.end();
      }
    },
    async drop() {
      const client = new Client({ connectionString: adminUrl(url) });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}

/**
 * The app of a describe block on a scratch database of its own: both made before its tests and
 * handed to `use`, the app closed and the database dropped after them.
 */
export function useScratchApp(
  label: string,
  use: (t: TestApp, scratch: ScratchDatabase) => unknown,
): void {
  let scratch: ScratchDatabase | undefined;
  let t: TestApp | undefined;
  beforeAll(async () => {
    scratch = await scratchDatabase(label);
    t = await startApp(scratch.env);
    await use(t, scratch);
  });
  afterAll(async () => {
    await t?.close();
    await scratch?.drop();
  });
}

/**
 * Runs `use` with an app on a scratch database of its own, for a test that must alter its data for
 * good: the app is closed and the database dropped after it, whatever it did.
 */
export async function withScratchApp<T>(
  label: string,
  use: (t: TestApp, scratch: ScratchDatabase) => Promise<T>,
): Promise<T> {
  const scratch = await scratchDatabase(label);
  try {
    const t = await startApp(scratch.env);
    try {
      return await use(t, scratch);
    } finally {
      await t.close();
    }
  } finally {
    await scratch.drop();
  }
}

/**
 * A migrated scratch database of a describe block with a small data source on it, for tests that
 * run a migration's `down` and `up` by hand: made before its tests (`use` gets the data source),
 * destroyed and dropped after them.
 */
export function useScratchDataSource(label: string, use: (db: DataSource) => unknown): void {
  let scratch: ScratchDatabase | undefined;
  let db: DataSource | undefined;
  beforeAll(async () => {
    scratch = await scratchDatabase(label);
    db = new DataSource({ ...dataSourceOptions(scratch.url), extra: { max: 2 } });
    await db.initialize();
    use(db);
  });
  afterAll(async () => {
    await db?.destroy();
    await scratch?.drop();
  });
}
