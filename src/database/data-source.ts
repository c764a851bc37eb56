import { DataSource } from 'typeorm';
import { databaseUrlFromEnv, loadEnvFile } from '../config/env-file';
import { dataSourceOptions } from './data-source-options';

loadEnvFile();

/** Used by the TypeORM CLI (`npm run migration:*`). */
export default new DataSource(dataSourceOptions(databaseUrlFromEnv()));
