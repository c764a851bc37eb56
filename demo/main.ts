/**
 * `npm run demo`: the platform (role all) with simulated traffic and a local HTTPS receiver, so a
 * newcomer can watch events flow in the Admin Console within a minute.
 *
 * - a fake FreeSWITCH (the real event socket wire protocol) on a local port, PBX_ESL_HOST/PORT
 *   pointed at it: its calls reach the platform's ESL client; their CDRs are posted to
 *   /api/pbx/cdr the way mod_json_cdr does;
 * - a telesales team and an AutoCall campaign manager and dialer using the real domain API with
 *   machine tokens the demo creates for itself (revoked at the end);
 * - an HTTPS receiver with a certificate from a CA made at start (trusted via WEBHOOK_CA_FILE)
 *   that verifies both signatures of every request and prints one line per event; the "Demo
 *   receiver" webhook (all 16 events) points at it.
 *
 * Its own database (`zorio_demo`) and Redis prefix (`zorio-demo`): the real data is never
 * touched. `--duration N` stops after N seconds and prints a summary (for tests and CI).
 */
import 'reflect-metadata';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { randomBytes } from 'node:crypto';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { DataSource } from 'typeorm';
import { AppConfig, ConfigError, loadConfig } from '../src/config/app-config';
import { loadEnvFile } from '../src/config/env-file';
import { ensureDatabase, runMigrations } from '../src/database/migrate';
import { EVENT_NAMES } from '../src/events/catalogue';
import { FakeFreeswitch } from '../tools/fake-freeswitch/fake-freeswitch';
import { ApiClient, sleep } from './api-client';
import { DemoOptions, parseArgs, USAGE, UsageError } from './args';
import { simulateAutocall } from './autocall-sim';
import { deliveryLine } from './describe';
import { simulatePbx } from './pbx-sim';
import { newLocalPki } from '../tools/pki/certificates';
import {
  createToken,
  databaseExists,
  databaseName,
  DEMO_WEBHOOK_NAME,
  demoDatabaseUrl,
  dropDatabase,
  ensureAdmin,
  ensureDemoWebhook,
  outboxMark,
  publishedSince,
  revokeTokens,
  startPlatform,
} from './platform';
import { DemoReceiver, startReceiver } from './receiver';
import { loadOrCreateState } from './state';
import { buildSummary, DeliveryStats, formatSummary } from './summary';
import { simulateTelesales } from './telesales-sim';

const ROOT = resolve(__dirname, '..');

/** A path as short as possible for messages: relative to the repository when inside it. */
function shown(path: string): string {
  const rel = relative(ROOT, path);
  return rel && !rel.startsWith('..') ? rel : path;
}
const say = (line: string): void => console.log(line);
const warn = (line: string): void => console.error(`demo: ${line}`);

/** The platform's JSON log lines, shortened to `platform WARN Context: message` on stderr. */
function platformLogStream(): Writable {
  const LEVELS: Record<number, string> = {
    10: 'TRACE',
    20: 'DEBUG',
    30: 'INFO',
    40: 'WARN',
    50: 'ERROR',
    60: 'FATAL',
  };
  let pending = '';
  return new Writable({
    write(chunk: Buffer, _enc, done) {
      pending += chunk.toString('utf8');
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        if (!line.trim()) continue;
        try {
          const entry = JSON.parse(line) as {
            level?: number;
            context?: string;
            msg?: string;
            err?: { message?: string };
          };
          const level = LEVELS[entry.level ?? 30] ?? String(entry.level);
          const context = entry.context ? `${entry.context}: ` : '';
          process.stderr.write(
            `platform ${level} ${context}${entry.msg ?? ''}${entry.err?.message ? ` (${entry.err.message})` : ''}\n`,
          );
        } catch {
          process.stderr.write(`platform ${line}\n`);
        }
      }
      done();
    },
  });
}

function banner(lines: string[]): string {
  const rule = '='.repeat(76);
  return [``, rule, ...lines.map((l) => `  ${l}`), rule, ``].join('\n');
}

interface Running {
  app: NestExpressApplication;
  db: DataSource;
  receiver: DemoReceiver;
  fake: FakeFreeswitch;
  tokenIds: string[];
  mark: string;
  stats: DeliveryStats;
  controller: AbortController;
  simulations: Promise<void>[];
  startedAt: number;
}

async function main(options: DemoOptions): Promise<number> {
  loadEnvFile(join(ROOT, '.env'));
  // The demo's entry point reads the user's environment once, like scripts/start.js: only to
  // find the real DATABASE_URL (to name the demo's database next to it) and the port, and to
  // hand everything else unchanged to loadConfig.
  const env = { ...process.env };
  const stateFile = options.stateFile ? resolve(options.stateFile) : join(ROOT, '.demo-admin');
  const { state, created: newState } = loadOrCreateState(stateFile);
  const explicitDatabase = options.databaseUrl !== null;
  const databaseUrl =
    options.databaseUrl ?? demoDatabaseUrl(env.DATABASE_URL || new AppConfig().DATABASE_URL);

  if (newState && !explicitDatabase && (await databaseExists(databaseUrl))) {
    // Its admin password and keys are gone with the old state file: start the demo afresh.
    say(`No ${shown(stateFile)}: resetting the demo database ${databaseName(databaseUrl)}.`);
    try {
      await dropDatabase(databaseUrl);
    } catch (err) {
      throw new Error(
        `could not reset ${databaseName(databaseUrl)} (is another demo running?): ${err instanceof Error ? err.message : String(err)}`,
      );
    }
  }

  // A CA made at every start, trusted through WEBHOOK_CA_FILE (nothing goes into a trust store).
  const pki = newLocalPki(
    { commonName: 'Zorio Demo CA', organization: 'Zorio demo (npm run demo)' },
    30,
  );
  const tmp = mkdtempSync(join(tmpdir(), 'zorio-demo-'));
  const caFile = join(tmp, 'demo-ca.pem');
  writeFileSync(caFile, pki.caCertPem, { mode: 0o600 });
  const cleanupTmp = (): void => rmSync(tmp, { recursive: true, force: true });
  process.once('exit', cleanupTmp);

  const runStartedAt = Date.now();
  const stats = new DeliveryStats(runStartedAt);
  const receiver = await startReceiver({
    port: options.receiverPort,
    certPem: pki.server.certPem,
    keyPem: pki.server.keyPem,
    onDelivery: (delivery) => {
      stats.record(delivery);
      if (options.printEvents || !delivery.verified) say(deliveryLine(delivery));
    },
  });

  const eslPassword = randomBytes(12).toString('hex');
  const fake = new FakeFreeswitch({ password: eslPassword, hostname: 'pbx-sim' });
  const eslPort = await fake.listen(0, '127.0.0.1');

  let config: AppConfig;
  try {
    config = loadConfig({
      ...env,
      ZORIO_ROLE: 'all',
      PORT: String(options.port ?? (env.PORT || 3000)),
      DATABASE_URL: databaseUrl,
      REDIS_PREFIX: options.redisPrefix,
      SECRETS_KEY: state.SECRETS_KEY,
      SESSION_SECRET: state.SESSION_SECRET,
      ADMIN_EMAIL: state.ADMIN_EMAIL,
      ADMIN_PASSWORD: state.ADMIN_PASSWORD,
      COOKIE_SECURE: 'false', // the demo console is plain http on localhost
      WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
      WEBHOOK_CA_FILE: caFile,
      PBX_ESL_HOST: '127.0.0.1',
      PBX_ESL_PORT: String(eslPort),
      PBX_ESL_PASSWORD: eslPassword,
      LOG_LEVEL: options.logLevel,
    });
  } catch (err) {
    await Promise.all([receiver.close(), fake.close()]);
    throw err;
  }

  say(
    `Starting the Zorio demo (database ${databaseName(databaseUrl)}, Redis prefix ${config.REDIS_PREFIX})...`,
  );
  await ensureDatabase(config.DATABASE_URL);
  await runMigrations(config.DATABASE_URL);
  let platform: Awaited<ReturnType<typeof startPlatform>>;
  try {
    platform = await startPlatform(config, platformLogStream());
  } catch (err) {
    await Promise.all([receiver.close(), fake.close()]);
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new Error(
        `port ${config.PORT} is in use (is npm start running?); try npm run demo -- --port 3100`,
      );
    }
    throw err;
  }
  const { app, db, port } = platform;
  const admin = await ensureAdmin(app, state.ADMIN_EMAIL, state.ADMIN_PASSWORD);

  await revokeTokens(app); // left by a demo that did not stop cleanly
  const tokens = {
    pbx: await createToken(app, 'PBX (mod_json_cdr)', 'pbx_api_access'),
    telesales: await createToken(app, 'Telesales agent desktop', 'telesales_api_access'),
    manager: await createToken(app, 'AutoCall campaign manager', 'autocall_api_access'),
    dialer: await createToken(app, 'AutoCall dialer engine', 'autocall_api_access'),
  };
  const webhook = await ensureDemoWebhook(app, receiver.url);
  receiver.setSecret(webhook.secret);
  const mark = await outboxMark(db);

  const consoleUrl = `http://localhost:${port}/admin/`;
  const signIn =
    admin || !newState
      ? [
          `email:    ${state.ADMIN_EMAIL}`,
          `password: ${state.ADMIN_PASSWORD}   (kept in ${shown(stateFile)})`,
        ]
      : ['sign in with a user of this database (it already had users)'];
  say(
    banner([
      'Zorio demo: simulated PBX, Telesales and AutoCall traffic → signed webhooks',
      '',
      `Admin Console: ${consoleUrl}  (Deliveries shows every event as it is sent)`,
      ...signIn,
      '',
      `A fake FreeSWITCH (event socket on 127.0.0.1:${eslPort}) rings extensions 1001-1004 and`,
      'posts CDRs, telesales agents and an AutoCall dialer work campaigns through the domain API;',
      `each event is signed and sent to the "${DEMO_WEBHOOK_NAME}" webhook (all ${EVENT_NAMES.length} events,`,
      `${webhook.created ? 'registered now' : 'already registered'}) at ${receiver.url},`,
      'which checks both signatures and prints one line per event below.',
      `Own database ${databaseName(databaseUrl)} and Redis prefix ${config.REDIS_PREFIX}: your real data is untouched.`,
      options.durationSeconds
        ? `Stops by itself after ${options.durationSeconds} s.`
        : 'Ctrl-C stops everything.',
    ]),
  );
  if (webhook.paused)
    say(`(paused ${webhook.paused} demo webhook(s) of earlier runs on other ports)`);

  const controller = new AbortController();
  const { signal } = controller;
  const base = `http://127.0.0.1:${port}`;
  const onError = (message: string): void => {
    if (!signal.aborted) warn(message);
  };
  const simulations = [
    simulatePbx({ fake, api: new ApiClient(base, tokens.pbx.plain, signal), signal, onError })
      .stopped,
    simulateTelesales({ api: new ApiClient(base, tokens.telesales.plain, signal), signal, onError })
      .stopped,
    simulateAutocall({
      manager: new ApiClient(base, tokens.manager.plain, signal),
      dialer: new ApiClient(base, tokens.dialer.plain, signal),
      signal,
      onError,
    }).stopped,
  ];

  const running: Running = {
    app,
    db,
    receiver,
    fake,
    tokenIds: Object.values(tokens).map((t) => t.id),
    mark,
    stats,
    controller,
    simulations,
    startedAt: Date.now(),
  };
  return new Promise<number>((resolveExit) => {
    let stopping = false;
    const stop = (why: 'duration' | 'signal'): void => {
      if (stopping) {
        warn('stopping right away');
        process.exit(130);
      }
      stopping = true;
      if (why === 'signal') say('\nStopping the demo (Ctrl-C again to stop at once)...');
      shutdown(running, why === 'duration' ? 15_000 : 3_000).then(resolveExit, (err: unknown) => {
        warn(`stopping failed: ${err instanceof Error ? err.message : String(err)}`);
        resolveExit(1);
      });
    };
    process.on('SIGINT', () => stop('signal'));
    process.on('SIGTERM', () => stop('signal'));
    if (options.durationSeconds) {
      setTimeout(() => stop('duration'), options.durationSeconds * 1000).unref();
    }
  });
}

/**
 * Stops the simulators, waits (up to `drainMs`) until every event published in this run has been
 * received and verified, revokes the demo's tokens, closes the platform, the fake PBX and the
 * receiver, and prints the summary. Resolves with the exit code.
 */
async function shutdown(r: Running, drainMs: number): Promise<number> {
  r.controller.abort();
  const seconds = Math.round((Date.now() - r.startedAt) / 1000);
  await Promise.race([Promise.all(r.simulations), sleep(3000, new AbortController().signal)]);
  const deadline = Date.now() + drainMs;
  let published = await publishedSince(r.db, r.mark);
  while (Date.now() < deadline) {
    const behind = [...published].some(([name, n]) => r.stats.verifiedOf(name) < n);
    if (!behind) break;
    await sleep(200, new AbortController().signal);
    published = await publishedSince(r.db, r.mark);
  }
  await revokeTokens(r.app, r.tokenIds);
  await r.app.close();
  await r.fake.close();
  await r.receiver.close();
  const summary = buildSummary(seconds, published, r.stats);
  say(formatSummary(summary));
  return summary.signature_failures > 0 ? 1 : 0;
}

let options: DemoOptions | 'help';
try {
  options = parseArgs(process.argv.slice(2));
} catch (err) {
  if (err instanceof UsageError) {
    console.error(`demo: ${err.message}\n\n${USAGE}`);
    process.exit(2);
  }
  throw err;
}
if (options === 'help') {
  say(USAGE);
} else {
  main(options).then(
    (code) => process.exit(code),
    (err: unknown) => {
      const message =
        err instanceof ConfigError || err instanceof Error ? err.message : String(err);
      console.error(`demo: failed to start: ${message}`);
      process.exit(1);
    },
  );
}
