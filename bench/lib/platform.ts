/** The platform under test: compiled once, started as `npm start` runs it, in one or more processes. */
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { request } from 'undici';
import { AdminClient, waitUntil } from './admin';
import { Env, Platform, log } from './harness';
import { Child, ROOT, TMP, spawnNode } from './proc';

/**
 * The platform is compiled (as `npm start` runs it), so its RSS holds no TypeScript compiler. The
 * build goes under node_modules/.cache: out of lint's, prettier's and git's way, and `require`
 * still finds the packages from there.
 */
const BUILD = join(ROOT, 'node_modules', '.cache', 'zorio-bench', 'build');

/** Compiles src/ and migrations/ with tsconfig.build.json into bench/.tmp/build. */
export function buildPlatform(): void {
  rmSync(BUILD, { recursive: true, force: true });
  const r = spawnSync(
    process.execPath,
    [
      join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'),
      '-p',
      join(ROOT, 'tsconfig.build.json'),
      '--outDir',
      BUILD,
      '--incremental',
      'false',
    ],
    { cwd: ROOT, encoding: 'utf8' },
  );
  if (!existsSync(join(BUILD, 'src', 'main.js'))) {
    throw new Error(`could not compile the platform:\n${r.stdout}${r.stderr}`);
  }
  if (r.status !== 0) log(`tsc reported type errors (the build was emitted anyway):\n${r.stdout}`);
}

/** A port the platform can listen on: outside the ephemeral range, free on every address. */
async function freePort(): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const port = 20_000 + Math.floor(Math.random() * 10_000);
    const server = createServer();
    const ok = await new Promise<boolean>((resolve) => {
      server.once('error', () => resolve(false));
      server.listen(port, '::', () => resolve(true));
    });
    if (ok) {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      return port;
    }
  }
  throw new Error('no free port found for the platform');
}

export async function startPlatform(
  env: Env,
  roles: ('all' | 'api' | 'worker')[],
): Promise<Platform> {
  const children: Child[] = [];
  const urls: string[] = [];
  for (const [i, role] of roles.entries()) {
    // Every role listens: the API, or (worker) its health and metrics endpoint.
    const port = await freePort();
    // One log per process: platform-api, platform-worker, or platform-worker-2 when a role repeats.
    const nth = roles.slice(0, i).filter((r) => r === role).length;
    const label = `platform-${role}${nth ? `-${nth + 1}` : ''}`;
    const profileDir = join(TMP, 'prof');
    const child = spawnNode(label, join(BUILD, 'src', 'main.js'), {
      env: { ...env.platformEnv, ZORIO_ROLE: role, PORT: String(port) },
      nodeArgs: [
        ...env.opts.nodeArgs,
        ...(env.opts.profile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []),
      ],
      preload: env.opts.profile
        ? [
            join(ROOT, 'bench', 'lib', 'query-counter.ts'),
            join(ROOT, 'bench', 'lib', 'memory-probe.ts'),
          ]
        : [],
      cwd: TMP,
    });
    children.push(child);
    urls.push(`http://127.0.0.1:${port}`);
    env.children.push(child);
  }
  await Promise.all(
    children.map((child, i) =>
      waitUntil(
        async () => {
          if (child.proc.exitCode !== null) {
            throw new Error(`${child.label} exited:\n${child.tail()}`);
          }
          try {
            const res = await request(`${urls[i]}/health/ready`);
            await res.body.text();
            return res.statusCode === 200;
          } catch {
            return false;
          }
        },
        { timeoutMs: 180_000, intervalMs: 250, what: `${child.label} to be ready` },
      ),
    ),
  );
  const http = roles.indexOf(roles.includes('api') ? 'api' : 'all');
  const apiUrl = urls[http];
  const admin = new AdminClient(apiUrl);
  await admin.login(env.adminEmail, env.adminPassword);
  const w = roles.indexOf(roles.includes('worker') ? 'worker' : 'all');
  return {
    label: platformLabel(roles),
    children,
    worker: children[w],
    workerMetrics: `${urls[w]}/metrics`,
    apiUrl,
    apiUrls: urls.filter((_, i) => roles[i] !== 'worker'),
    workers: children.filter((_, i) => roles[i] !== 'api'),
    workersMetrics: urls.filter((_, i) => roles[i] !== 'api').map((u) => `${u}/metrics`),
    admin,
  };
}

/** `api+worker`, or `2 api + 3 worker` when a role repeats. */
function platformLabel(roles: string[]): string {
  const counts = new Map<string, number>();
  for (const r of roles) counts.set(r, (counts.get(r) ?? 0) + 1);
  if ([...counts.values()].every((n) => n === 1)) return roles.join('+');
  return [...counts].map(([r, n]) => `${n} ${r}`).join(' + ');
}

export async function stopPlatform(env: Env, p: Platform): Promise<void> {
  await Promise.all(p.children.map((c) => c.stop(20_000)));
  env.children = env.children.filter((c) => !p.children.includes(c));
}

/** The load driver process, connected to the bench database. */
export async function startDriver(env: Env): Promise<Child> {
  const driver = spawnNode('driver', join(ROOT, 'bench', 'driver.ts'));
  env.children.push(driver);
  await driver.rpc.once('ready', 60_000);
  await driver.rpc.call('init', { databaseUrl: env.databaseUrl });
  return driver;
}

export async function stopDriver(env: Env, driver: Child): Promise<void> {
  await driver.rpc.call('close');
  await driver.stop();
  env.children = env.children.filter((c) => c !== driver);
}
