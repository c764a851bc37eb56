import { randomUUID } from 'node:crypto';
import { HealthRegistry } from '../../src/ops/health.registry';
import request from 'supertest';
import {
  TEST_PASSWORD,
  TestApp,
  TestWorker,
  createUser,
  login,
  startApp,
  startWorker,
} from '../support/app';
import { waitFor } from '../support/wait';

/** Health, metrics and logs: public, cheap, and never leaking what they must not. */
describe('operations', () => {
  let t: TestApp;

  beforeAll(async () => {
    // Info-level logs, so request logging (and its redaction) is exercised.
    t = await startApp({ LOG_LEVEL: 'info' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('answers /health/live without auth', async () => {
    await t.http().get('/health/live').expect(200, { status: 'ok' });
  });

  it('answers /health/ready 200 with the database and Redis up, 503 when a check is down', async () => {
    const res = await t.http().get('/health/ready').expect(200);
    expect(res.body.status).toBe('ok');
    expect(res.body.checks.database).toEqual({ status: 'up' });
    expect(res.body.checks.redis).toEqual({ status: 'up' });

    const health = t.app.get(HealthRegistry);
    health.register('probe', () => ({ status: 'down', detail: 'probe says no' }));
    const down = await t.http().get('/health/ready').expect(503);
    expect(down.body).toMatchObject({
      status: 'unavailable',
      checks: { probe: { status: 'down', detail: 'probe says no' }, database: { status: 'up' } },
    });
    health.register('probe', () => ({ status: 'degraded' }));
    await t.http().get('/health/ready').expect(200);
    health.register('probe', () => new Promise(() => undefined));
    const hung = await t.http().get('/health/ready').expect(503);
    expect(hung.body.checks.probe).toEqual({ status: 'down', detail: 'timed out' });
    // A thrown error's text (hosts, user names, driver messages) is logged, never shown.
    health.register('probe', () => {
      throw new Error('connect ECONNREFUSED 10.1.2.3:5432 user=zorio_admin');
    });
    const thrown = await t.http().get('/health/ready').expect(503);
    expect(thrown.body.checks.probe).toEqual({ status: 'down', detail: 'check failed' });
    expect(thrown.text).not.toContain('ECONNREFUSED');
    expect(t.logs.join('')).toContain('probe check failed: connect ECONNREFUSED');
    health.register('probe', () => ({ status: 'up' }));
    await t.http().get('/health/ready').expect(200);
  });

  it('exposes Prometheus metrics with HTTP counts by route pattern, never by raw path', async () => {
    const admin = await login(t, 'admin');
    await admin.get('/api/admin/auth/me').expect(200);
    const user = await createUser(t, 'auditor');
    await admin.patch(`/api/admin/users/${user.id}`).send({ name: 'Renamed' }).expect(200);
    const stray = randomUUID();
    await t.http().get(`/no-such-route/${stray}`).expect(404);

    const res = await t.http().get('/metrics').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    const text = res.text;
    expect(text).toContain('# TYPE zorio_http_requests_total counter');
    expect(text).toMatch(
      /zorio_http_requests_total\{method="GET",route="\/api\/admin\/auth\/me",status="200"\} [1-9]/,
    );
    expect(text).toMatch(
      /zorio_http_requests_total\{method="PATCH",route="\/api\/admin\/users\/:id",status="200"\} [1-9]/,
    );
    expect(text).toMatch(
      /zorio_http_requests_total\{method="GET",route="unmatched",status="404"\} [1-9]/,
    );
    expect(text).toContain('zorio_http_request_duration_seconds_bucket');
    expect(text).toContain('process_cpu_user_seconds_total');
    expect(text).not.toContain(stray);
    expect(text).not.toContain(user.id);
  });

  it('gives every response a request id, keeping a sane one the client sent', async () => {
    const res = await t.http().get('/health/live').expect(200);
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const given = await t
      .http()
      .get('/health/live')
      .set('X-Request-Id', 'trace-abc_123')
      .expect(200);
    expect(given.headers['x-request-id']).toBe('trace-abc_123');
    const hostile = await t
      .http()
      .get('/health/live')
      .set('X-Request-Id', 'x'.repeat(65))
      .expect(200);
    expect(hostile.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('logs requests as JSON with their id, and never a password, cookie, CSRF token or bearer token', async () => {
    const admin = await login(t, 'admin');
    const created = await admin
      .post('/api/admin/api-tokens')
      .send({ name: 'log check', scopes: ['pbx_api_access'] })
      .expect(201);
    const token = created.body.token as string;
    await t
      .http()
      .get('/api/admin/users')
      .set('Authorization', `Bearer ${token}`)
      .set('X-Request-Id', 'log-check-1')
      .expect(401);
    await t
      .http()
      .post('/api/admin/auth/login')
      .set('X-Forwarded-For', '198.18.0.1')
      .send({ email: admin.email, password: 'a wrong password to hide' })
      .expect(401);
    const cookie = admin.csrf;
    const line = await waitFor(
      () => t.logs.flatMap((chunk) => chunk.split('\n')).find((l) => l.includes('log-check-1')),
      { what: 'the request log line' },
    );
    const entry = JSON.parse(line) as { req: { id: string; url: string }; res: unknown };
    expect(entry.req).toMatchObject({ id: 'log-check-1', url: '/api/admin/users' });
    const all = t.logs.join('');
    expect(all).not.toContain(token.split('|')[1]);
    expect(all).not.toContain(TEST_PASSWORD);
    expect(all).not.toContain('a wrong password to hide');
    expect(all).not.toContain(cookie);
    expect(all).not.toMatch(/zorio_session=s%3A/);
  });
});

/**
 * The worker role serves the same OpsController in a Nest HTTP app of its own: the same routes and
 * answers as the API role, with the platform's request ids, security headers and error shapes
 * (the hand-written server it replaced had none of them and answered 405 to other methods).
 */
describe("operations of the worker role (the OpsController in the worker's own Nest app)", () => {
  let api: TestApp;
  let w: TestWorker;

  beforeAll(async () => {
    api = await startApp({ ZORIO_ROLE: 'api', LOG_LEVEL: 'silent' });
    w = await startWorker({ LOG_LEVEL: 'info' });
  });
  afterAll(async () => {
    await w?.close();
    await api?.close();
  });

  it('answers /health/live, /health/ready and /metrics as the API role does', async () => {
    for (const base of [api.url, w.url]) {
      await request(base).get('/health/live').expect(200, { status: 'ok' });
    }
    const ready = await request(w.url).get('/health/ready').expect(200);
    expect(ready.body).toMatchObject({
      status: 'ok',
      checks: { database: { status: 'up' }, redis: { status: 'up' }, queue: { status: 'up' } },
    });
    const health = w.worker.context.get(HealthRegistry);
    health.register('probe', () => ({ status: 'down', detail: 'probe says no' }));
    const down = await request(w.url).get('/health/ready').expect(503);
    expect(down.body).toMatchObject({
      status: 'unavailable',
      checks: { probe: { status: 'down', detail: 'probe says no' } },
    });
    health.register('probe', () => ({ status: 'up' }));

    const metrics = await request(w.url).get('/metrics').expect(200);
    expect(metrics.headers['content-type']).toMatch(/^text\/plain/);
    expect(metrics.headers['cache-control']).toBe('no-store');
    expect(metrics.text).toContain('# TYPE zorio_outbox_lag_seconds gauge');
    expect(metrics.text).toContain('process_cpu_user_seconds_total');
    // Its own requests are counted by route, as the API's are.
    expect(metrics.text).toMatch(
      /zorio_http_requests_total\{method="GET",route="\/health\/live",status="200"\} [1-9]/,
    );
  });

  it('is a Nest app: request ids, security headers and error shapes of the API, and no API', async () => {
    const [fromApi, fromWorker] = await Promise.all(
      [api.url, w.url].map((base) =>
        request(base).get('/health/live').set('X-Request-Id', 'ops-worker-1').expect(200),
      ),
    );
    expect(fromWorker.headers['x-request-id']).toBe('ops-worker-1');
    for (const header of [
      'content-security-policy',
      'x-frame-options',
      'x-content-type-options',
      'referrer-policy',
    ]) {
      expect(fromWorker.headers[header]).toBeDefined();
      expect(fromWorker.headers[header]).toBe(fromApi.headers[header]);
    }
    expect(fromWorker.headers['x-powered-by']).toBeUndefined();

    const stray = await request(w.url).get(`/no-such-route/${randomUUID()}`).expect(404);
    expect(stray.body).toEqual({ message: 'Resource not found' });
    expect(stray.body).toEqual((await request(api.url).get('/no-such-route').expect(404)).body);
    // Another method on an ops route is a route that does not exist, as in the API role.
    const post = await request(w.url).post('/health/live').expect(404);
    expect(post.body).toEqual({ message: 'Resource not found' });
    await request(w.url).get('/api/admin/auth/me').expect(404);
    await request(w.url).get('/api/admin/event-types').expect(404);
  });
});
