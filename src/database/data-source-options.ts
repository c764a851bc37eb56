import { join } from 'node:path';
import type { DataSourceOptions } from 'typeorm';

const root = join(__dirname, '..', '..');

/**
 * The one TypeORM configuration, shared by the app, the CLI and the tests. It must work through
 * PgBouncer in transaction mode: no startup parameters beyond user, database and application_name
 * (no `options`, no `statement_timeout`: PgBouncer refuses them), no session state.
 */
export function dataSourceOptions(url: string, poolSize = 20): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: [join(root, 'src', '**', '*.entity.{ts,js}')],
    migrations: [join(root, 'migrations', '*.{ts,js}')],
    migrationsTableName: 'migrations',
    synchronize: false,
    migrationsRun: false,
    logging: false,
    extra: { max: poolSize, application_name: 'zorio' },
  };
}
