import type { DynamicModule, Type } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { getDataSourceToken } from '@nestjs/typeorm';
import { PassThrough } from 'node:stream';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { DataSource } from 'typeorm';
import { createHttpApp, createWorkerApp, WorkerApp } from '../../src/bootstrap';
import { AppConfig, loadConfig } from '../../src/config/app-config';
import { featureModules } from '../../src/features';
import { UsersService } from '../../src/modules/auth/users.service';
import { SYSTEM_ACTOR } from '../../src/common/actor';

export interface TestApp {
  app: NestExpressApplication;
  config: AppConfig;
  db: DataSource;
  url: string;
  /** Every log line the app wrote (JSON), for leak checks. */
  logs: string[];
  http: () => TestAgent;
  close: () => Promise<void>;
}

export interface StartAppOptions {
  /** Extra modules (e.g. a test-only probe controller), added after the product's features. */
  features?: (Type | DynamicModule)[];
}

/** Boots the real app (role all unless overridden) against the run's database and Redis prefix. */
export async function startApp(
  env: Record<string, string> = {},
  options: StartAppOptions = {},
): Promise<TestApp> {
  const config = loadConfig({ ...process.env, ...env });
  const logs: string[] = [];
  const logStream = new PassThrough();
  logStream.on('data', (chunk: Buffer) => logs.push(chunk.toString('utf8')));
  const app = await createHttpApp(config, {
    logStream,
    features: [...featureModules(config), ...(options.features ?? [])],
  });
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  const url = `http://127.0.0.1:${address.port}`;
  return {
    app,
    config,
    db: app.get<DataSource>(getDataSourceToken()),
    url,
    logs,
    http: () => request.agent(url),
    close: () => app.close(),
  };
}

export interface TestWorker {
  worker: WorkerApp;
  /** Its operations app (health, metrics). */
  url: string;
  logs: string[];
  close: () => Promise<void>;
}

/** Boots the worker role in this process, as main.ts does, its ops app on a free port. */
export async function startWorker(env: Record<string, string> = {}): Promise<TestWorker> {
  const config = loadConfig({ ...process.env, ...env, ZORIO_ROLE: 'worker' });
  const logs: string[] = [];
  const logStream = new PassThrough();
  logStream.on('data', (chunk: Buffer) => logs.push(chunk.toString('utf8')));
  const worker = await createWorkerApp(config, { logStream });
  await worker.ops.listen(0, '127.0.0.1');
  const address = worker.ops.getHttpServer().address() as { port: number };
  return { worker, url: `http://127.0.0.1:${address.port}`, logs, close: () => worker.close() };
}

/**
 * The app of a describe block: started (with `env`, `options`) before its tests and handed to
 * `use` (which may finish the block's setup: a login, tokens), closed after them.
 */
export function useApp(
  use: (t: TestApp) => unknown,
  env: Record<string, string> = {},
  options: StartAppOptions = {},
): void {
  let t: TestApp | undefined;
  beforeAll(async () => {
    t = await startApp(env, options);
    await use(t);
  });
  afterAll(async () => {
    await t?.close();
  });
}

let counter = 0;
export function uniqueEmail(prefix = 'user'): string {
  counter++;
  return `${prefix}-${Date.now().toString(36)}-${counter}@example.test`;
}

export const TEST_PASSWORD = 'correct horse battery staple';

export async function createUser(
  t: TestApp,
  role: 'admin' | 'auditor' = 'admin',
  email = uniqueEmail(role),
): Promise<{ id: string; email: string; password: string }> {
  const user = await t.app
    .get(UsersService)
    .create(SYSTEM_ACTOR, { email, name: `Test ${role}`, role, password: TEST_PASSWORD });
  return { id: user.id, email, password: TEST_PASSWORD };
}

export interface Session {
  agent: TestAgent;
  csrf: string;
  userId: string;
  email: string;
  /** The agent with the CSRF header set, for unsafe methods. */
  post: (path: string) => request.Test;
  patch: (path: string) => request.Test;
  del: (path: string) => request.Test;
  get: (path: string) => request.Test;
}

/** Logs a (new, unless given) user in and returns a cookie-keeping agent with its CSRF token. */
export async function login(
  t: TestApp,
  role: 'admin' | 'auditor' = 'admin',
  existing?: { email: string; password: string; id: string },
): Promise<Session> {
  const user = existing ?? (await createUser(t, role));
  const agent = t.http();
  const res = await agent
    .post('/api/admin/auth/login')
    .send({ email: user.email, password: user.password })
    .expect(200);
  const cookies = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
  const xsrf = cookies.find((c) => c.startsWith('XSRF-TOKEN='));
  if (!xsrf) throw new Error('login set no XSRF-TOKEN cookie');
  const csrf = decodeURIComponent(xsrf.split(';')[0].slice('XSRF-TOKEN='.length));
  return {
    agent,
    csrf,
    userId: user.id,
    email: user.email,
    post: (p) => agent.post(p).set('X-XSRF-TOKEN', csrf),
    patch: (p) => agent.patch(p).set('X-XSRF-TOKEN', csrf),
    del: (p) => agent.delete(p).set('X-XSRF-TOKEN', csrf),
    get: (p) => agent.get(p),
  };
}
