/**
 * `npm run migration:check`: proves the entities and the migrations agree.
 *
 * Creates a scratch database next to DATABASE_URL's, runs every migration, then asks TypeORM what
 * it would still have to change for the entities (the statements `migration:generate` would
 * write). Any statement means an entity and the migrations disagree: they are listed and the
 * script exits 1. The scratch database is dropped in every case.
 */
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { databaseUrlFromEnv, loadEnvFile } from '../src/config/env-file';
import { dataSourceOptions } from '../src/database/data-source-options';
import { ensureDatabase, runMigrations } from '../src/database/migrate';

function scratchUrl(base: string): { url: string; name: string } {
  const url = new URL(base);
  const name = `zorio_migration_check_${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  url.pathname = `/${name}`;
  return { url: url.toString(), name };
}

async function dropDatabase(base: string, name: string): Promise<void> {
  const admin = new URL(base);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name.replace(/"/g, '""')}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

/** The statements TypeORM would run to bring the migrated schema in line with the entities. */
async function pendingSchemaChanges(url: string): Promise<string[]> {
  const ds = new DataSource({ ...dataSourceOptions(url), extra: { max: 2 } });
  await ds.initialize();
  try {
    const sql = await ds.driver.createSchemaBuilder().log();
    return sql.upQueries.map((q) => q.query.trim());
  } finally {
    await ds.destroy();
  }
}

/** TypeORM's schema reader overlaps queries on one pg client; pg 8 warns about it. Not ours. */
function silencePgOverlapWarning(): void {
  const listeners = process.listeners('warning');
  process.removeAllListeners('warning');
  process.on('warning', (w) => {
    if (w.name === 'DeprecationWarning' && w.message.startsWith('Calling client.query()')) return;
    for (const l of listeners) l(w);
  });
}

async function main(): Promise<number> {
  loadEnvFile();
  silencePgOverlapWarning();
  const base = databaseUrlFromEnv();
  const { url, name } = scratchUrl(base);
  process.stdout.write(`migration:check: scratch database ${name}\n`);
  await ensureDatabase(url);
  try {
    const ran = await runMigrations(url);
    process.stdout.write(`migration:check: ran ${ran.length} migration(s)\n`);
    const pending = await pendingSchemaChanges(url);
    if (pending.length === 0) {
      process.stdout.write('migration:check: entities and migrations agree\n');
      return 0;
    }
    process.stderr.write(
      `migration:check: the entities and the migrations disagree; a new migration would run:\n` +
        pending.map((q) => `  ${q};`).join('\n') +
        '\nFix the entity or add a migration (npm run migration:generate -- migrations/<Name>).\n',
    );
    return 1;
  } finally {
    await dropDatabase(base, name);
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(
      `migration:check failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    process.exit(1);
  },
);
