import { createHash, randomUUID } from 'node:crypto';
import { Session, TestApp, login, useApp } from '../support/app';
import { waitFor } from '../support/wait';
import { ProbeModule } from './probe';

const ALL_SCOPES = ['pbx_api_access', 'telesales_api_access', 'autocall_api_access'];
const TOKEN_FORMAT =
  /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\|([A-Za-z0-9]{40,})$/;

/**
 * Machine tokens: creation (shown once), scopes, IP allowlist, expiry, revocation, last use and
 * the per-token rate limit. The domain modules do not exist yet, so a test-only probe controller
 * (`./probe`) carries `@ApiToken(...)` routes.
 */
describe('machine API tokens', () => {
  let t: TestApp;
  let admin: Session;

  useApp(
    async (app) => {
      t = app;
      admin = await login(t, 'admin');
    },
    {},
    { features: [ProbeModule] },
  );

  async function createToken(
    body: Record<string, unknown> = {},
  ): Promise<{ id: string; token: string; data: Record<string, unknown> }> {
    const res = await admin
      .post('/api/admin/api-tokens')
      .send({ name: 'probe token', scopes: ALL_SCOPES, ...body })
      .expect(201);
    return { id: res.body.data.id, token: res.body.token, data: res.body.data };
  }

  const probe = (token: string, path = '/api/test-probe/pbx') =>
    t.http().get(path).set('Authorization', `Bearer ${token}`);

  it('creates a token shown once as <id>|<random>, stored only as a hash', async () => {
    const res = await admin
      .post('/api/admin/api-tokens')
      .send({ name: 'CRM sync', scopes: ['pbx_api_access'], expires_in_days: 30 })
      .expect(201);
    const token = res.body.token as string;
    const match = TOKEN_FORMAT.exec(token);
    expect(match).not.toBeNull();
    const [, id, secret] = match!;
    expect(res.body.data).toEqual({
      id,
      name: 'CRM sync',
      scopes: ['pbx_api_access'],
      ip_allowlist: null,
      expires_at: expect.any(String),
      revoked_at: null,
      last_used_at: null,
      created_at: expect.any(String),
    });
    const days = (Date.parse(res.body.data.expires_at) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(29.99);
    expect(days).toBeLessThanOrEqual(30);

    // Never again: not in the list, not in the audit log, not in the database.
    const list = await admin.get('/api/admin/api-tokens').expect(200);
    const listed = (list.body.data as { id: string }[]).find((x) => x.id === id);
    expect(listed).toEqual(res.body.data);
    const everything = JSON.stringify([list.body, await admin.get('/api/admin/audit-log')]);
    expect(everything).not.toContain(secret);
    const [row] = await t.db.query<{ token_hash: string }[]>(
      'SELECT token_hash FROM api_tokens WHERE id = $1',
      [id],
    );
    expect(row.token_hash).toBe(createHash('sha256').update(secret).digest('hex'));
    const audit = await admin
      .get(`/api/admin/audit-log?action=api_token.created&target_id=${id}`)
      .expect(200);
    expect(audit.body.data).toHaveLength(1);
    expect(audit.body.data[0]).toMatchObject({ actor_id: admin.userId, target_type: 'api_token' });
    expect(JSON.stringify(audit.body.data[0])).not.toMatch(/token_hash|\|/);
    expect(t.logs.join('')).not.toContain(secret);

    const used = await probe(token).expect(200);
    expect(used.body.data.actor).toMatchObject({ type: 'api_token', id, name: 'CRM sync' });
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['an empty name', { name: '' }, 'name'],
    ['no scopes', { scopes: [] }, 'scopes'],
    ['an unknown scope', { scopes: ['admin'] }, 'scopes'],
    ['a repeated scope', { scopes: ['pbx_api_access', 'pbx_api_access'] }, 'scopes'],
    ['a bad allowlist entry', { ip_allowlist: ['not-an-ip'] }, 'ip_allowlist'],
    ['an allowlist that is not a list', { ip_allowlist: '127.0.0.1' }, 'ip_allowlist'],
    ['zero days', { expires_in_days: 0 }, 'expires_in_days'],
    ['days as text', { expires_in_days: '30' }, 'expires_in_days'],
    ['an unknown field', { token: 'chosen|by-me' }, 'token'],
  ])('refuses %s with 422 naming the field', async (_, over, field) => {
    const name = `invalid-${randomUUID()}`;
    const res = await admin
      .post('/api/admin/api-tokens')
      .send({ name, scopes: ['pbx_api_access'], ...over })
      .expect(422);
    expect(res.body.errors[field]).toEqual([expect.any(String)]);
    expect(await t.db.query('SELECT 1 FROM api_tokens WHERE name = $1', [name])).toEqual([]);
  });

  it('refuses missing, malformed and wrong bearer values with 401', async () => {
    const { id, token } = await createToken();
    const unauth = { message: 'Unauthenticated.' };
    await t.http().get('/api/test-probe/pbx').expect(401, unauth);
    await t.http().get('/api/test-probe/pbx').set('Authorization', token).expect(401, unauth);
    await t
      .http()
      .get('/api/test-probe/pbx')
      .set('Authorization', `Basic ${Buffer.from(token).toString('base64')}`)
      .expect(401, unauth);
    await probe('garbage').expect(401, unauth);
    await probe(`${id}|${'x'.repeat(48)}`).expect(401, unauth);
    await probe(`${randomUUID()}|${token.split('|')[1]}`).expect(401, unauth);
    await probe(`${id}|${token.split('|')[1].slice(0, 39)}`).expect(401, unauth);
    await probe(token).expect(200);
  });

  it('parses integer ids strictly: only digits name a resource', async () => {
    const { token } = await createToken();
    const ok = await probe(token, '/api/test-probe/numbered/1000').expect(200);
    expect(ok.body.data).toEqual({ id: 1000, type: 'number' });
    for (const alias of ['1e3', '0x3e8', '1000.0', '-1', '0', '+1000', '%201000', 'NaN']) {
      await probe(token, `/api/test-probe/numbered/${alias}`).expect(404);
    }
  });

  it('does not accept a console session on machine routes', async () => {
    await admin.get('/api/test-probe/pbx').expect(401, { message: 'Unauthenticated.' });
  });

  it('enforces scopes (403 for a route of another scope)', async () => {
    const { token } = await createToken({ scopes: ['telesales_api_access'] });
    await probe(token, '/api/test-probe/telesales').expect(200);
    await probe(token, '/api/test-probe/pbx').expect(403, {
      message: 'This action is unauthorized.',
    });
  });

  it('enforces the IP allowlist (addresses and CIDRs)', async () => {
    const elsewhere = await createToken({ ip_allowlist: ['203.0.113.7', '10.0.0.0/8'] });
    expect(elsewhere.data.ip_allowlist).toEqual(['203.0.113.7', '10.0.0.0/8']);
    await probe(elsewhere.token).expect(401, { message: 'Unauthenticated.' });
    // A proxy on loopback may name the client; an allowed client then gets in.
    await probe(elsewhere.token).set('X-Forwarded-For', '203.0.113.7').expect(200);
    await probe(elsewhere.token).set('X-Forwarded-For', '10.20.30.40').expect(200);
    await probe(elsewhere.token).set('X-Forwarded-For', '203.0.113.8').expect(401);

    const loopback = await createToken({ ip_allowlist: ['127.0.0.0/8'] });
    await probe(loopback.token).expect(200);
    const exact = await createToken({ ip_allowlist: ['::1', '127.0.0.1'] });
    await probe(exact.token).expect(200);
  });

  it('stops accepting a token once it has expired', async () => {
    const { id, token } = await createToken({ expires_in_days: 1 });
    await probe(token).expect(200);
    await t.db.query(
      `UPDATE api_tokens SET expires_at = now() - interval '1 second' WHERE id = $1`,
      [id],
    );
    await probe(token).expect(401, { message: 'Unauthenticated.' });
  });

  it('revokes at once (204), audits it, and keeps it listed as revoked', async () => {
    const { id, token } = await createToken();
    await probe(token).expect(200);
    await admin.del(`/api/admin/api-tokens/${id}`).expect(204);
    await probe(token).expect(401, { message: 'Unauthenticated.' });
    const list = await admin.get('/api/admin/api-tokens').expect(200);
    const listed = (list.body.data as { id: string; revoked_at: string | null }[]).find(
      (x) => x.id === id,
    );
    expect(listed?.revoked_at).toEqual(expect.any(String));
    const audit = await admin
      .get(`/api/admin/audit-log?action=api_token.revoked&target_id=${id}`)
      .expect(200);
    expect(audit.body.data).toHaveLength(1);
    expect(audit.body.data[0].changes.after.revoked_at).toEqual(listed?.revoked_at);
    // Revoking again is a no-op; unknown ids are 404.
    await admin.del(`/api/admin/api-tokens/${id}`).expect(204);
    await admin.del(`/api/admin/api-tokens/${randomUUID()}`).expect(404);
    await admin.del('/api/admin/api-tokens/not-a-uuid').expect(404);
    // Without CSRF nothing is revoked.
    const other = await createToken();
    await admin.agent.delete(`/api/admin/api-tokens/${other.id}`).expect(403);
    await probe(other.token).expect(200);
  });

  it('records last_used_at', async () => {
    const { id, token } = await createToken();
    const before = Date.now();
    await probe(token).expect(200);
    const list = await admin.get('/api/admin/api-tokens').expect(200);
    const listed = (list.body.data as { id: string; last_used_at: string | null }[]).find(
      (x) => x.id === id,
    );
    expect(listed?.last_used_at).toEqual(expect.any(String));
    expect(Date.parse(listed!.last_used_at!)).toBeGreaterThanOrEqual(before - 1000);
    expect(Date.parse(listed!.last_used_at!)).toBeLessThanOrEqual(Date.now());
  });

  it('sends X-RateLimit-* on every answer and 429 with Retry-After past the limit', async () => {
    // A fixed one-minute window: start early in one so the count cannot straddle two.
    await waitFor(() => Date.now() % 60_000 < 40_000, {
      timeoutMs: 25_000,
      what: 'the start of a rate-limit window',
    });
    const { token } = await createToken();
    const other = await createToken();
    const windowEnd = Math.floor(Date.now() / 60_000 + 1) * 60;
    for (let i = 1; i <= 60; i++) {
      const path = i % 3 === 0 ? `/api/test-probe/items/${randomUUID()}` : '/api/test-probe/pbx';
      const res = await probe(token, path);
      expect(res.status).toBe(i % 3 === 0 ? 404 : 200);
      expect(res.headers['x-ratelimit-limit']).toBe('60');
      expect(res.headers['x-ratelimit-remaining']).toBe(String(60 - i));
      expect(res.headers['x-ratelimit-reset']).toBe(String(windowEnd));
    }
    const limited = await probe(token).expect(429);
    const retryAfter = Number(limited.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(limited.body).toEqual({
      message: `Too many requests. Retry after ${retryAfter} seconds.`,
    });
    expect(limited.headers['x-ratelimit-remaining']).toBe('0');
    expect(limited.headers['x-ratelimit-limit']).toBe('60');
    // Per token: another token is untouched.
    const fresh = await probe(other.token).expect(200);
    expect(fresh.headers['x-ratelimit-remaining']).toBe('59');
    // Validation errors carry the headers too; telesales routes have their own budget of 120.
    const invalid = await t
      .http()
      .post('/api/test-probe/items')
      .set('Authorization', `Bearer ${other.token}`)
      .send({ name: '', count: 'x' })
      .expect(422);
    expect(invalid.headers['x-ratelimit-remaining']).toBe('58');
    const telesales = await probe(token, '/api/test-probe/telesales').expect(200);
    expect(telesales.headers['x-ratelimit-limit']).toBe('120');
    expect(telesales.headers['x-ratelimit-remaining']).toBe('119');
  }, 60_000);
});
