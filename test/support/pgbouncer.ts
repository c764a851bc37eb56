/**
 * A real PgBouncer (the Debian package's /usr/sbin/pgbouncer) for tests, started as a child
 * process with a generated ini in a temp dir: transaction pooling, a free loopback port, trust
 * authentication, and a small server pool so client sessions really are multiplexed over a few
 * server connections. No system pgbouncer service is used.
 *
 *   const bouncer = await startPgBouncer({ directUrl: scratch.url, poolSize: 2 });
 *   ... DATABASE_URL: bouncer.urlOf(scratch.name), DATABASE_DIRECT_URL: scratch.url ...
 *   const servers = await bouncer.admin<{ remote_pid: string }>('SHOW SERVERS');
 *   await bouncer.stop();
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { freePort } from './ports';
import { waitFor } from './wait';

export const PGBOUNCER_BIN = '/usr/sbin/pgbouncer';

export interface PgBouncerOptions {
  /** PostgreSQL itself (host, port and user are taken from it). */
  directUrl: string;
  /** Server connections per database and user (`default_pool_size`). */
  poolSize?: number;
}

export interface PgBouncer {
  port: number;
  /** The URL of a database through the pooler (any database name of the server). */
  urlOf(database: string): string;
  /** Runs a command on the admin console (`SHOW CLIENTS`, `SHOW SERVERS`, ...). */
  admin<T = Record<string, unknown>>(command: string): Promise<T[]>;
  /** What PgBouncer wrote to stdout and stderr so far. */
  log(): string;
  stop(): Promise<void>;
}

/** `max_prepared_statements` exists from PgBouncer 1.21 on; older versions refuse to start with it. */
function supportsPreparedStatementSetting(): boolean {
  const out = execFileSync(PGBOUNCER_BIN, ['--version'], { encoding: 'utf8' });
  const [, major, minor] = /PgBouncer (\d+)\.(\d+)/.exec(out) ?? [];
  return Number(major) > 1 || (Number(major) === 1 && Number(minor) >= 21);
}

function ini(direct: URL, port: number, dir: string, poolSize: number): string {
  return [
    '[databases]',
    // Any database name, to the same server: `urlOf(name)`.
    `* = host=${direct.hostname} port=${direct.port || '5432'}`,
    '[pgbouncer]',
    'listen_addr = 127.0.0.1',
    `listen_port = ${port}`,
    'unix_socket_dir =',
    'auth_type = trust',
    `auth_file = ${join(dir, 'users.txt')}`,
    `admin_users = ${decodeURIComponent(direct.username) || 'postgres'}`,
    'pool_mode = transaction',
    `default_pool_size = ${poolSize}`,
    'min_pool_size = 0',
    'reserve_pool_size = 0',
    'max_client_conn = 500',
    // A pool starved by a transaction waiting for a second connection fails instead of hanging.
    'query_wait_timeout = 30',
    // Deliberately no ignore_startup_parameters: the app must send none PgBouncer refuses.
    ...(supportsPreparedStatementSetting() ? ['max_prepared_statements = 0'] : []),
    'log_connections = 0',
    'log_disconnections = 0',
    '',
  ].join('\n');
}

export async function startPgBouncer(options: PgBouncerOptions): Promise<PgBouncer> {
  if (!existsSync(PGBOUNCER_BIN)) {
    throw new Error(`${PGBOUNCER_BIN} is missing: install the pgbouncer package (.ci/run does)`);
  }
  const direct = new URL(options.directUrl);
  const user = decodeURIComponent(direct.username) || 'postgres';
  const dir = await mkdtemp(join(tmpdir(), 'zorio-pgbouncer-'));
  // PgBouncer refuses to run as root; as root it is told to switch to nobody, who must read here.
  await chmod(dir, 0o755);
  const port = await freePort();
  await writeFile(join(dir, 'users.txt'), `"${user}" ""\n`, { mode: 0o644 });
  const config = join(dir, 'pgbouncer.ini');
  await writeFile(config, ini(direct, port, dir, options.poolSize ?? 2), { mode: 0o644 });
  const asRoot = process.getuid?.() === 0;
  const child = spawn(PGBOUNCER_BIN, [...(asRoot ? ['-u', 'nobody'] : []), config], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString('utf8')));
  child.stderr.on('data', (c: Buffer) => (output += c.toString('utf8')));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const bouncerUrl = (database: string) => {
    const url = new URL(options.directUrl);
    url.hostname = '127.0.0.1';
    url.port = String(port);
    url.pathname = `/${database}`;
    return url.toString();
  };
  const admin = async <T>(command: string): Promise<T[]> => {
    if (child.exitCode !== null) throw new Error(`pgbouncer exited: ${output}`);
    const client = new Client({ connectionString: bouncerUrl('pgbouncer') });
    await client.connect();
    try {
      return (await client.query(command)).rows as T[];
    } finally {
      await client.end();
    }
  };
  const stop = async () => {
    await stopChild(child, exited);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(async () => (await admin('SHOW VERSION')).length > 0, {
      timeoutMs: 15_000,
      intervalMs: 50,
      what: 'pgbouncer to accept connections',
    });
  } catch (err) {
    await stop();
    throw new Error(`${(err as Error).message}\n${output}`);
  }
  return { port, urlOf: bouncerUrl, admin, log: () => output, stop };
}

async function stopChild(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(killer);
}
