import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { AppConfig, ConfigError, loadConfig } from './config/app-config';
import { loadEnvFile } from './config/env-file';
import { ensureDatabase, runMigrations } from './database/migrate';
import { createHttpApp, createWorkerApp } from './bootstrap';
import { UsersService } from './modules/auth/users.service';
import { ROLES } from './platform/worker.module';

function announceFirstAdmin(email: string, password: string): void {
  const line = '='.repeat(72);
  process.stdout.write(
    `\n${line}\n  First admin created for the Admin Console\n  email:    ${email}\n  password: ${password}\n` +
      `  This password is shown once. Sign in and keep it somewhere safe.\n${line}\n\n`,
  );
}

async function main(): Promise<void> {
  loadEnvFile();
  let config: AppConfig;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  const log = new Logger('Boot');
  if (await ensureDatabase(config.databaseDirectUrl)) log.log('Created the database');
  const ran = await runMigrations(config.databaseDirectUrl);
  if (ran.length) log.log(`Ran migrations: ${ran.join(', ')}`);

  if (!ROLES[config.ZORIO_ROLE].api) {
    const worker = await createWorkerApp(config);
    await worker.ops.listen(config.PORT);
    const runs = ROLES[config.ZORIO_ROLE].runs.join(', ');
    log.log(`Worker started (${runs}); health and metrics on port ${config.PORT}`);
    return;
  }
  const app = await createHttpApp(config);
  const created = await app
    .get(UsersService)
    .ensureFirstAdmin(config.ADMIN_EMAIL ?? 'admin@localhost', config.ADMIN_PASSWORD);
  if (created?.password) announceFirstAdmin(created.email, created.password);
  else if (created)
    process.stdout.write(`First admin ${created.email} created with ADMIN_PASSWORD.\n`);
  await app.listen(config.PORT);
  const url = `http://localhost:${config.PORT}`;
  log.log(`Zorio event platform (${config.ZORIO_ROLE}) listening on ${url}`);
  process.stdout.write(`Admin Console: ${url}/admin/\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`Failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
