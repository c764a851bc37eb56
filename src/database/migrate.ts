import { Client } from 'pg';
import { DataSource, MigrationExecutor } from 'typeorm';
import { dataSourceOptions } from './data-source-options';

const MIGRATION_LOCK = 7_311_001;
const NO_SUCH_DATABASE = '3D000';
const DATABASE_EXISTS = '42P04';

/** True when the database of the URL accepts a connection; false when it does not exist. */
async function databaseExists(url: string): Promise<boolean> {
  const client = new Client({ connectionString: url });
  try {
    await client.connect();
    return true;
  } catch (err) {
    if ((err as { code?: string }).code === NO_SUCH_DATABASE) return false;
    throw err;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Creates the database named in the URL when it does not exist yet. */
export async function ensureDatabase(url: string): Promise<boolean> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.replace(/^\//, ''));
  if (!name) throw new Error('DATABASE_URL names no database');
  if (await databaseExists(url)) return false;
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
    return true;
  } catch (err) {
    // Another process created it between our check and our CREATE.
    if ((err as { code?: string }).code !== DATABASE_EXISTS) throw err;
    return false;
  } finally {
    await client.end();
  }
}

/**
 * Runs the pending migrations in one transaction that first takes a transaction-scoped advisory
 * lock, so processes starting together run them once, one after the other, and a failing
 * migration leaves the schema as it was. Nothing depends on session state: it works on
 * PostgreSQL itself and through PgBouncer in transaction mode alike.
 */
export async function runMigrations(url: string): Promise<string[]> {
  const ds = new DataSource(dataSourceOptions(url, 1));
  await ds.initialize();
  const runner = ds.createQueryRunner();
  try {
    await runner.startTransaction();
    await runner.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    const executor = new MigrationExecutor(ds, runner);
    executor.transaction = 'all';
    const ran = await executor.executePendingMigrations();
    await runner.commitTransaction();
    return ran.map((m) => m.name);
  } catch (err) {
    if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
    throw err;
  } finally {
    await runner.release();
    await ds.destroy();
  }
}
