import { ChildProcess, spawn } from 'node:child_process';
import { connect } from 'node:net';
import { join } from 'node:path';
import request from 'supertest';
import { UsersService } from '../../src/modules/auth/users.service';
import type { TestApp } from '../support/app';
import { freePort } from '../support/ports';
import { waitFor } from '../support/wait';
import { ScratchDatabase, scratchDatabase, useScratchApp, withScratchApp } from './scratch-db';

const ROOT = join(__dirname, '..', '..');
const BOOT_TIMEOUT = 90_000;

interface Child {
  proc: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** The exit code, or the signal that ended the process. */
  exited: Promise<number | NodeJS.Signals | null>;
}

/** Nest's shutdown hooks close the app, then re-raise the signal: that is a clean stop. */
const CLEAN_STOP = ['SIGTERM', 0];

const children: Child[] = [];

/** Runs a TypeScript entry point of the repo as its own process (ts-node, no type check). */
function run(entry: string, args: string[], env: Record<string, string>): Child {
  const proc = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', entry, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  proc.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
  proc.stderr.on('data', (c: Buffer) => (err += c.toString('utf8')));
  const exited = new Promise<number | NodeJS.Signals | null>((resolve) =>
    proc.once('exit', (code, signal) => resolve(code ?? signal)),
  );
  const child = { proc, stdout: () => out, stderr: () => err, exited };
  children.push(child);
  return child;
}

async function stop(child: Child): Promise<void> {
  if (child.proc.exitCode !== null || child.proc.signalCode !== null) return;
  child.proc.kill('SIGTERM');
  const timer = setTimeout(() => child.proc.kill('SIGKILL'), 15_000);
  await child.exited;
  clearTimeout(timer);
}

function refusesConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}

const passwordLines = (text: string): string[] =>
  [...text.matchAll(/^[ \t]*password:[ \t]+(\S+)[ \t]*$/gm)].map((m) => m[1]);

afterAll(async () => {
  for (const child of children) await stop(child);
});

describe('first admin (ensureFirstAdmin)', () => {
  let scratch: ScratchDatabase;
  let t: TestApp;
  useScratchApp('firstadmin', (app, db) => {
    [t, scratch] = [app, db];
  });

  it('creates one admin with a printed-once password when there is no user, and never again', async () => {
    const users = t.app.get(UsersService);
    const racing = await Promise.all([
      users.ensureFirstAdmin('first@example.test'),
      users.ensureFirstAdmin('first@example.test'),
      users.ensureFirstAdmin('other@example.test'),
    ]);
    const created = racing.filter((r) => r !== null);
    expect(created).toHaveLength(1);
    const { email, password } = created[0];
    expect(password).toMatch(/^[A-Za-z0-9]{20}$/);
    expect(await users.ensureFirstAdmin('again@example.test')).toBeNull();
    expect(await users.ensureFirstAdmin('again@example.test', 'a chosen password')).toBeNull();

    const rows = await scratch.query<{ email: string; role: string; disabled: boolean }>(
      'SELECT email, role, disabled FROM users',
    );
    expect(rows).toEqual([{ email, role: 'admin', disabled: false }]);
    const audit = await scratch.query<{ actor_type: string; action: string }>(
      'SELECT actor_type, action FROM audit_log',
    );
    expect(audit).toEqual([{ actor_type: 'system', action: 'user.created' }]);
    await t.http().post('/api/admin/auth/login').send({ email, password }).expect(200);
  });

  it('uses ADMIN_PASSWORD when given, and then prints nothing', () =>
    withScratchApp('firstadmin2', async (app) => {
      const result = await app.app
        .get(UsersService)
        .ensureFirstAdmin('chosen@example.test', 'a chosen password');
      expect(result).toEqual({ email: 'chosen@example.test', password: null });
      await app
        .http()
        .post('/api/admin/auth/login')
        .send({ email: 'chosen@example.test', password: 'a chosen password' })
        .expect(200);
    }));
});

/**
 * The real entry point in its own process: it creates the database, migrates, creates the first
 * admin printing the password once, serves; a restart prints nothing new and keeps the data. Then
 * `admin:create` against the same database.
 */
describe('the platform process (src/main.ts) and admin:create', () => {
  let scratch: ScratchDatabase;
  let env: Record<string, string>;
  let port: number;
  let password: string;
  const ADMIN_EMAIL = 'boot-admin@example.test';

  beforeAll(async () => {
    scratch = await scratchDatabase('boot', { migrate: false });
    port = await freePort();
    env = {
      ...scratch.env,
      PORT: String(port),
      ZORIO_ROLE: 'all',
      ADMIN_EMAIL,
      ADMIN_PASSWORD: '',
      LOG_LEVEL: 'warn',
    };
  });
  afterAll(async () => {
    for (const child of children) await stop(child);
    await scratch?.drop();
  });

  async function boot(): Promise<Child> {
    const child = run('src/main.ts', [], env);
    await waitFor(
      async () => {
        if (child.proc.exitCode !== null) {
          throw new Error(`exited ${child.proc.exitCode}: ${child.stderr()}`);
        }
        return (
          child.stdout().includes('Admin Console:') &&
          (await request(`http://127.0.0.1:${port}`).get('/health/ready')).status === 200
        );
      },
      { timeoutMs: BOOT_TIMEOUT, intervalMs: 200, what: 'the platform to be ready' },
    );
    return child;
  }

  it(
    'creates the database, prints the first admin password once, and keeps it across a restart',
    async () => {
      const first = await boot();
      const printed = passwordLines(first.stdout());
      expect(printed).toHaveLength(1);
      password = printed[0];
      expect(first.stdout()).toContain(`email:    ${ADMIN_EMAIL}`);
      expect(first.stdout()).toContain(`Admin Console: http://localhost:${port}/admin/`);
      const base = `http://127.0.0.1:${port}`;
      await request(base)
        .post('/api/admin/auth/login')
        .send({ email: ADMIN_EMAIL, password })
        .expect(200);
      await stop(first);
      expect(CLEAN_STOP).toContain(await first.exited);

      const second = await boot();
      expect(passwordLines(second.stdout())).toEqual([]);
      expect(second.stdout()).not.toContain('First admin');
      const users = await scratch.query<{ email: string }>('SELECT email FROM users');
      expect(users).toEqual([{ email: ADMIN_EMAIL }]);
      await request(base)
        .post('/api/admin/auth/login')
        .send({ email: ADMIN_EMAIL, password })
        .expect(200);
      const migrations = await scratch.query<{ n: string }>(
        'SELECT count(*)::text AS n FROM migrations',
      );
      expect(Number(migrations[0].n)).toBeGreaterThanOrEqual(1);
    },
    BOOT_TIMEOUT * 2,
  );

  /** Runs `admin:create` with these arguments on the scratch database; resolves once it exited. */
  async function adminCreate(...args: string[]): Promise<Child> {
    const child = run('src/cli/admin-create.ts', args, scratch.env);
    await child.exited;
    return child;
  }

  it(
    'adds users from the shell with admin:create (a printed or a chosen password, audited)',
    async () => {
      // The restarted platform of the previous test is still serving.
      const base = `http://127.0.0.1:${port}`;
      const created = await adminCreate('--email', 'ops@example.test', '--role', 'auditor');
      expect(await created.exited).toBe(0);
      const printed = passwordLines(created.stdout());
      expect(printed).toHaveLength(1);
      expect(created.stdout()).toMatch(
        /^Created auditor ops@example.test \(id [0-9a-f-]{36}\)\.$/m,
      );
      const login = await request(base)
        .post('/api/admin/auth/login')
        .send({ email: 'ops@example.test', password: printed[0] })
        .expect(200);
      expect(login.body.data.user).toMatchObject({ role: 'auditor', name: 'ops' });

      const chosen = await adminCreate(
        '--email',
        'lead@example.test',
        '--role',
        'admin',
        '--name',
        'Lead',
        '--password',
        'a chosen password',
      );
      expect(await chosen.exited).toBe(0);
      expect(passwordLines(chosen.stdout())).toEqual([]);
      expect(chosen.stdout()).not.toContain('a chosen password');

      const rows = await scratch.query<{ email: string; role: string; name: string }>(
        'SELECT email, role, name FROM users ORDER BY created_at',
      );
      expect(rows).toEqual([
        { email: ADMIN_EMAIL, role: 'admin', name: 'Administrator' },
        { email: 'ops@example.test', role: 'auditor', name: 'ops' },
        { email: 'lead@example.test', role: 'admin', name: 'Lead' },
      ]);
      const audit = await scratch.query<{ actor_type: string; target: string }>(
        `SELECT actor_type, changes->'after'->>'email' AS target FROM audit_log WHERE action = 'user.created' ORDER BY id`,
      );
      expect(audit).toEqual([
        { actor_type: 'system', target: ADMIN_EMAIL },
        { actor_type: 'system', target: 'ops@example.test' },
        { actor_type: 'system', target: 'lead@example.test' },
      ]);
      const everything = JSON.stringify(await scratch.query('SELECT * FROM audit_log'));
      expect(everything).not.toContain('a chosen password');
      expect(everything).not.toContain(printed[0]);
    },
    BOOT_TIMEOUT,
  );

  it(
    'admin:create refuses a duplicate (exit 3) and invalid, missing or unknown arguments (exit 2), creating nothing',
    async () => {
      const users = () => scratch.query('SELECT id FROM users ORDER BY id');
      const before = await users();
      const dup = await adminCreate('--email', 'OPS@example.test', '--role', 'admin');
      expect(await dup.exited).toBe(3);
      expect(dup.stderr()).toContain('already exists');

      const bad = await adminCreate('--email', 'nope', '--role', 'root', '--password', 'short');
      expect(await bad.exited).toBe(2);
      expect(bad.stderr()).toMatch(/--email: /);
      expect(bad.stderr()).toMatch(/--role: role must be admin or auditor/);
      expect(bad.stderr()).toMatch(/--password: /);

      const missing = await adminCreate('--email', 'x@example.test');
      expect(await missing.exited).toBe(2);
      expect(missing.stderr()).toContain('--role is required');
      const unknown = await adminCreate('--email', 'x@example.test', '--role', 'admin', '--sudo');
      expect(await unknown.exited).toBe(2);
      expect(await users()).toEqual(before);
    },
    BOOT_TIMEOUT,
  );

  it(
    'runs a worker role that serves health and metrics, never the API or the console',
    async () => {
      const workerPort = await freePort();
      const worker = run('src/main.ts', [], {
        ...env,
        ZORIO_ROLE: 'worker',
        PORT: String(workerPort),
        LOG_LEVEL: 'info',
      });
      await waitFor(
        () => {
          if (worker.proc.exitCode !== null) throw new Error(`exited: ${worker.stderr()}`);
          return worker.stdout().includes('Worker started');
        },
        { timeoutMs: BOOT_TIMEOUT, intervalMs: 200, what: 'the worker to start' },
      );
      // Its port serves health and metrics (the OpsController in a Nest app), never the API.
      const base = `http://127.0.0.1:${workerPort}`;
      expect(await refusesConnections(workerPort)).toBe(false);
      const live = await request(base).get('/health/live').expect(200, { status: 'ok' });
      expect(live.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
      expect(live.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      await request(base).get('/health/ready').expect(200);
      expect((await request(base).get('/metrics').expect(200)).text).toContain(
        'zorio_outbox_lag_seconds',
      );
      await request(base).get('/api/admin/auth/me').expect(404, { message: 'Resource not found' });
      await request(base)
        .post('/api/admin/auth/login')
        .send({ email: ADMIN_EMAIL, password: 'whatever it is' })
        .expect(404);
      expect((await request(base).get('/admin/')).status).toBe(404);
      expect(worker.stdout()).toContain(
        'Worker started (outbox-relay, lanes, maintenance, pbx-esl)',
      );
      expect(worker.stdout()).not.toContain('Admin Console:');
      expect(passwordLines(worker.stdout())).toEqual([]);
      await stop(worker);
      expect(CLEAN_STOP).toContain(await worker.exited);
    },
    BOOT_TIMEOUT,
  );

  it(
    'refuses to boot on a bad variable with one line naming it',
    async () => {
      const bad = run('src/main.ts', [], { ...env, PORT: 'eighty' });
      expect(await bad.exited).toBe(1);
      expect(bad.stderr().trim()).toMatch(/^Invalid configuration: PORT: [^\n]+$/);
    },
    BOOT_TIMEOUT,
  );
});
