import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'dotenv';
import { EVENT_NAMES, EventModule } from '../../src/events/catalogue';
import { verifyPassword } from '../../src/modules/auth/passwords';
import type { DemoSummary as Summary } from '../../demo/summary';
import { ScratchDatabase, scratchDatabase } from '../foundation/scratch-db';
import { waitFor } from '../support/wait';

/**
 * `npm run demo -- --duration 15` in a child process: the demo's entry point as the npm script runs
 * it (ts-node, transpile only; the script's console build check is left to `npm test`), against a scratch database and a Redis prefix of its own: it must run its
 * simulated PBX (event socket + CDR posts), Telesales and AutoCall traffic through the real
 * platform, receive every published event on its HTTPS receiver with both signatures verified,
 * exit 0 by itself and leave the database tidy (webhook registered by the system and audited,
 * its machine tokens revoked).
 */

const ROOT = join(__dirname, '..', '..');
const MODULES: EventModule[] = ['pbx', 'telesales', 'autocall'];

describe('npm run demo -- --duration 15', () => {
  let db: ScratchDatabase;
  let dir: string;
  let child: ChildProcess | undefined;
  let stdout = '';
  let stderr = '';
  let exitCode: number | string | null | undefined;

  beforeAll(async () => {
    db = await scratchDatabase('demo', { migrate: false });
    dir = mkdtempSync(join(tmpdir(), 'zorio-demo-test-'));
    const proc = spawn(
      process.execPath,
      [
        '-r',
        'ts-node/register/transpile-only',
        'demo/main.ts',
        '--duration',
        '15',
        '--port',
        '0',
        '--receiver-port',
        '0',
        '--database-url',
        db.url,
        '--redis-prefix',
        db.env.REDIS_PREFIX,
        '--state-file',
        join(dir, 'demo-admin'),
      ],
      { cwd: ROOT, env: process.env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child = proc;
    proc.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    proc.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    proc.once('exit', (code, signal) => (exitCode = code ?? signal));
    await waitFor(() => exitCode !== undefined, {
      timeoutMs: 70_000,
      intervalMs: 200,
      what: 'the demo to stop by itself',
    });
  }, 80_000);

  afterAll(async () => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await db?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const summary = (): Summary => {
    const line = stdout.split('\n').find((l) => l.startsWith('DEMO_SUMMARY '));
    if (!line) throw new Error(`no DEMO_SUMMARY line in:\n${stdout}\n${stderr}`);
    return JSON.parse(line.slice('DEMO_SUMMARY '.length)) as Summary;
  };

  it('exits 0 by itself with a summary, and no errors on stderr', () => {
    // stderr carries the demo's own complaints (`demo: ...`, e.g. a refused API call) and the
    // platform's log lines of level warn and above; only warnings are tolerated.
    const problems = stderr.split('\n').filter((l) => l.trim() && !l.startsWith('platform WARN '));
    expect({ exitCode, problems }).toEqual({ exitCode: 0, problems: [] });
    expect(summary().seconds).toBeGreaterThanOrEqual(15);
    expect(stdout).toMatch(/Summary of \d+ s of demo traffic/);
  });

  it('delivers and verifies events of every module, every published event included', () => {
    const s = summary();
    expect(s.signature_failures).toBe(0);
    for (const module of MODULES) {
      expect(s.modules[module].published).toBeGreaterThan(0);
      expect({ module, verified: s.modules[module].verified }).toEqual({
        module,
        verified: s.modules[module].published,
      });
    }
    // The first wave of each simulator is scripted to produce every kind of event within seconds.
    const missing = EVENT_NAMES.filter((name) => !(s.verified[name] > 0));
    expect(missing).toEqual([]);
    for (const name of EVENT_NAMES) {
      expect({ name, verified: s.verified[name] }).toEqual({ name, verified: s.published[name] });
      expect(s.delivered[name]).toBe(s.verified[name]);
    }
  });

  it('prints one verified line per delivery (time, event, delivery id, signatures ok)', () => {
    const lines = stdout
      .split('\n')
      .filter((l) => /^\d{2}:\d{2}:\d{2} {2}[a-z]+\.[a-z_.]+ /.test(l));
    const total = Object.values(summary().verified).reduce((a, b) => a + b, 0);
    expect(lines.length).toBe(total);
    for (const line of lines) {
      expect(line).toMatch(
        /^\d{2}:\d{2}:\d{2} {2}\S+ +[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12} {2}signatures ok/,
      );
    }
  });

  it('prints the console URL and an admin sign-in that works, kept in its state file', async () => {
    expect(stdout).toMatch(/Admin Console: http:\/\/localhost:\d+\/admin\//);
    const printed = /password: (\S+)/.exec(stdout)?.[1];
    const state = parse(readFileSync(join(dir, 'demo-admin')));
    expect(printed).toBe(state.ADMIN_PASSWORD);
    expect(stdout).toContain(`email:    ${state.ADMIN_EMAIL}`);
    const [user] = await db.query<{ password_hash: string; role: string }>(
      `SELECT password_hash, role FROM users WHERE email = $1`,
      [state.ADMIN_EMAIL],
    );
    expect(user.role).toBe('admin');
    expect(await verifyPassword(user.password_hash, printed!)).toBe(true);
  });

  it('registered the Demo receiver for all 16 events as the system (audited) and revoked its tokens', async () => {
    const webhooks = await db.query<{ id: string; url: string; events: string[] }>(
      `SELECT id, url, events FROM webhooks WHERE display_name = 'Demo receiver'`,
    );
    expect(webhooks).toHaveLength(1);
    expect([...webhooks[0].events].sort()).toEqual([...EVENT_NAMES].sort());
    expect(webhooks[0].url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/zorio-demo\/webhook$/);
    const audit = await db.query<{ action: string; actor_type: string }>(
      `SELECT action, actor_type FROM audit_log WHERE target_id = $1`,
      [webhooks[0].id],
    );
    expect(audit).toEqual([{ action: 'webhook.created', actor_type: 'system' }]);
    const tokens = await db.query<{ name: string; revoked: boolean }>(
      `SELECT name, revoked_at IS NOT NULL AS revoked FROM api_tokens ORDER BY name`,
    );
    expect(tokens.length).toBe(4);
    expect(tokens.every((t) => t.revoked)).toBe(true);
    // No attempt failed (events of calls still ringing at the stop may be left pending).
    const [{ failed }] = await db.query<{ failed: number }>(
      `SELECT count(*)::int AS failed FROM delivery_attempts
        WHERE error_code IS NOT NULL OR response_status IS NULL OR response_status NOT BETWEEN 200 AND 299`,
    );
    expect(failed).toBe(0);
  });
});
