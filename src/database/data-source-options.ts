import { join } from 'node:path';
import type { DataSourceOptions } from 'typeorm';

const root = join(__dirname, '..', '..');

/** The one TypeORM configuration, shared by the app, the CLI and the tests. */
export function dataSourceOptions(url: string): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: [join(root, 'src', '**', '*.entity.{ts,js}')],
    migrations: [join(root, 'migrations', '*.{ts,js}')],
    migrationsTableName: 'migrations',
    synchronize: false,
    migrationsRun: false,
    logging: false,
    extra: { max: 20, application_name: 'zorio' },
  };
}
