import { randomUUID } from 'node:crypto';
import { TEST_PASSWORD, TestApp, createUser, login, uniqueEmail, useApp } from '../support/app';

/**
 * Console sessions: login, me, logout, failed-login auditing and throttling, CSRF, roles, and a
 * disabled user's session. Throttling tests send X-Forwarded-For (trusted from loopback only) so
 * each test counts failures against an address of its own and never blocks 127.0.0.1 for others.
 */
describe('console sessions', () => {
  let t: TestApp;
  let ipCounter = 0;
  const freshIp = (): string => {
    ipCounter++;
    return `198.51.100.${ipCounter}`;
  };

  useApp((app) => (t = app));

  /** A password sign-in from an address of its own (the throttle counts per address too). */
  const signIn = (user: { email: string; password: string }) =>
    t
      .http()
      .post('/api/admin/auth/login')
      .set('X-Forwarded-For', freshIp())
      .send({ email: user.email, password: user.password });

  function cookiesOf(res: { headers: Record<string, unknown> }): string[] {
    return ([] as string[]).concat((res.headers['set-cookie'] as string[] | undefined) ?? []);
  }

  it('logs in with a session cookie and a readable XSRF cookie, answers me, and logs out', async () => {
    const user = await createUser(t, 'admin');
    const agent = t.http();
    const res = await agent
      .post('/api/admin/auth/login')
      .send({ email: user.email, password: user.password })
      .expect(200);
    expect(res.body).toEqual({
      data: {
        user: {
          id: user.id,
          email: user.email,
          name: 'Test admin',
          role: 'admin',
          disabled: false,
          created_at: expect.any(String),
        },
      },
    });
    const cookies = cookiesOf(res);
    const session = cookies.find((c) => c.startsWith('zorio_session='));
    const xsrf = cookies.find((c) => c.startsWith('XSRF-TOKEN='));
    expect(session).toMatch(/HttpOnly/i);
    expect(session).toMatch(/SameSite=Strict/i);
    expect(session).not.toMatch(/Secure/); // COOKIE_SECURE defaults to false outside production
    expect(xsrf).toBeDefined();
    expect(xsrf).not.toMatch(/HttpOnly/i);
    expect(xsrf).toMatch(/SameSite=Strict/i);
    const csrf = decodeURIComponent(xsrf!.split(';')[0].slice('XSRF-TOKEN='.length));
    expect(csrf.length).toBeGreaterThanOrEqual(32);

    const me = await agent.get('/api/admin/auth/me').expect(200);
    expect(me.body.data.user).toMatchObject({ id: user.id, email: user.email, role: 'admin' });
    expect(JSON.stringify(me.body)).not.toMatch(/password|hash/i);

    await agent.post('/api/admin/auth/logout').set('X-XSRF-TOKEN', csrf).expect(204);
    await agent.get('/api/admin/auth/me').expect(401, { message: 'Unauthenticated.' });

    const audit = await t.db.query<{ action: string; actor_id: string }[]>(
      `SELECT action, actor_id FROM audit_log WHERE target_id = $1 AND action LIKE 'auth.%' ORDER BY id`,
      [user.id],
    );
    expect(audit).toEqual([
      { action: 'auth.login', actor_id: user.id },
      { action: 'auth.logout', actor_id: user.id },
    ]);
  });

  it('issues a new session id on every login (no fixation) and the old one stops working', async () => {
    const user = await createUser(t, 'admin');
    const agent = t.http();
    const sessionCookie = async (): Promise<string> => {
      const res = await agent
        .post('/api/admin/auth/login')
        .send({ email: user.email, password: user.password })
        .expect(200);
      const cookie = cookiesOf(res).find((c) => c.startsWith('zorio_session='));
      if (!cookie) throw new Error('login set no session cookie');
      return cookie.split(';')[0];
    };
    const first = await sessionCookie();
    await t.http().get('/api/admin/auth/me').set('Cookie', first).expect(200);
    const second = await sessionCookie();
    expect(second).not.toBe(first);
    await t
      .http()
      .get('/api/admin/auth/me')
      .set('Cookie', first)
      .expect(401, { message: 'Unauthenticated.' });
    await t.http().get('/api/admin/auth/me').set('Cookie', second).expect(200);
  });

  it('answers 401 without a session on console routes', async () => {
    await t.http().get('/api/admin/auth/me').expect(401, { message: 'Unauthenticated.' });
    await t.http().get('/api/admin/users').expect(401, { message: 'Unauthenticated.' });
    await t
      .http()
      .get('/api/admin/users')
      .set('Cookie', 'zorio_session=s%3Aforged.signature')
      .expect(401, { message: 'Unauthenticated.' });
  });

  it('answers 401 for a wrong password and records auth.login_failed (without the password)', async () => {
    const user = await createUser(t, 'admin');
    const ip = freshIp();
    const res = await t
      .http()
      .post('/api/admin/auth/login')
      .set('X-Forwarded-For', ip)
      .set('User-Agent', 'auth-spec')
      .send({ email: user.email, password: 'not the password' })
      .expect(401);
    expect(res.body).toEqual({ message: 'Unauthenticated.' });
    expect(cookiesOf(res).some((c) => c.startsWith('zorio_session='))).toBe(false);

    const admin = await login(t, 'admin');
    const list = await admin
      .get(`/api/admin/audit-log?action=auth.login_failed&target_id=${user.id}`)
      .expect(200);
    expect(list.body.data).toHaveLength(1);
    const entry = list.body.data[0];
    expect(entry).toMatchObject({
      action: 'auth.login_failed',
      actor_type: 'system',
      target_type: 'user',
      target_id: user.id,
      ip,
      user_agent: 'auth-spec',
      changes: { before: null, after: { email: user.email, reason: 'bad_password' } },
    });
    expect(JSON.stringify(entry)).not.toContain('not the password');

    // An unknown account fails the same way and is audited too (no user to point at).
    const ghost = uniqueEmail('ghost');
    await t
      .http()
      .post('/api/admin/auth/login')
      .set('X-Forwarded-For', ip)
      .send({ email: ghost, password: 'whatever-it-is' })
      .expect(401, { message: 'Unauthenticated.' });
    const rows = await t.db.query<{ target_id: string | null; reason: string }[]>(
      `SELECT target_id, changes->'after'->>'reason' AS reason FROM audit_log
        WHERE action = 'auth.login_failed' AND changes->'after'->>'email' = $1`,
      [ghost],
    );
    expect(rows).toEqual([{ target_id: null, reason: 'unknown_account' }]);
  });

  it('validates the login body (422 naming the field, 400 for malformed JSON)', async () => {
    const ip = freshIp();
    const res = await t
      .http()
      .post('/api/admin/auth/login')
      .set('X-Forwarded-For', ip)
      .send({ email: 42, password: 'x', remember: true })
      .expect(422);
    expect(res.body.message).toBe('The given data was invalid.');
    expect(Object.keys(res.body.errors)).toEqual(expect.arrayContaining(['email', 'remember']));
    await t
      .http()
      .post('/api/admin/auth/login')
      .set('X-Forwarded-For', ip)
      .set('Content-Type', 'application/json')
      .send('{"email": "a@b.co", ')
      .expect(400, { message: 'Malformed request body' });
  });

  it('throttles the sixth failure in a minute for one account, from any address (429 + Retry-After)', async () => {
    const user = await createUser(t, 'admin');
    for (let i = 0; i < 5; i++) {
      await t
        .http()
        .post('/api/admin/auth/login')
        .set('X-Forwarded-For', freshIp())
        .send({ email: user.email, password: `wrong ${i}` })
        .expect(401);
    }
    // Even the right password, from yet another address, waits.
    const res = await signIn(user).expect(429);
    const retryAfter = Number(res.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(res.body).toEqual({ message: `Too many requests. Retry after ${retryAfter} seconds.` });
    // The email is matched case-insensitively, as the account is.
    await t
      .http()
      .post('/api/admin/auth/login')
      .set('X-Forwarded-For', freshIp())
      .send({ email: user.email.toUpperCase(), password: user.password })
      .expect(429);
    // Other accounts are not affected.
    await login(t, 'admin');
  });

  it('throttles the sixth failure in a minute from one address, across accounts', async () => {
    const ip = freshIp();
    for (let i = 0; i < 5; i++) {
      const other = await createUser(t, 'auditor');
      await t
        .http()
        .post('/api/admin/auth/login')
        .set('X-Forwarded-For', ip)
        .send({ email: other.email, password: 'wrong password' })
        .expect(401);
    }
    const fresh = await createUser(t, 'admin');
    const res = await t
      .http()
      .post('/api/admin/auth/login')
      .set('X-Forwarded-For', ip)
      .send({ email: fresh.email, password: fresh.password })
      .expect(429);
    expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    // The same account from another address signs in.
    await signIn(fresh).expect(200);
  });

  it('refuses a mutation without, or with a wrong, X-XSRF-TOKEN (403) and changes nothing', async () => {
    const admin = await login(t, 'admin');
    const email = uniqueEmail('csrf');
    const body = { email, name: 'CSRF', role: 'auditor', password: TEST_PASSWORD };
    await admin.agent
      .post('/api/admin/users')
      .send(body)
      .expect(403, { message: 'This action is unauthorized.' });
    await admin.agent
      .post('/api/admin/users')
      .set('X-XSRF-TOKEN', `${admin.csrf.slice(0, -2)}xx`)
      .send(body)
      .expect(403, { message: 'This action is unauthorized.' });
    await admin.agent
      .post('/api/admin/users')
      .set('X-XSRF-TOKEN', '')
      .send(body)
      .expect(403, { message: 'This action is unauthorized.' });
    // Another session's token is not this session's token.
    const other = await login(t, 'admin');
    await admin.agent
      .post('/api/admin/users')
      .set('X-XSRF-TOKEN', other.csrf)
      .send(body)
      .expect(403, { message: 'This action is unauthorized.' });
    await admin.agent
      .post('/api/admin/auth/logout')
      .expect(403, { message: 'This action is unauthorized.' });
    const found = await t.db.query('SELECT 1 FROM users WHERE email = $1', [email]);
    expect(found).toHaveLength(0);
    // Reads need no CSRF header; the session is still alive; with the header it works.
    await admin.get('/api/admin/auth/me').expect(200);
    await admin.post('/api/admin/users').send(body).expect(201);
  });

  it('rejects a machine token with every scope on /api/admin/* (401), even beside a session', async () => {
    const admin = await login(t, 'admin');
    const created = await admin
      .post('/api/admin/api-tokens')
      .send({
        name: 'all scopes',
        scopes: ['pbx_api_access', 'telesales_api_access', 'autocall_api_access'],
      })
      .expect(201);
    const token = created.body.token as string;
    for (const path of ['/api/admin/auth/me', '/api/admin/users', '/api/admin/audit-log']) {
      await t
        .http()
        .get(path)
        .set('Authorization', `Bearer ${token}`)
        .expect(401, { message: 'Unauthenticated.' });
    }
    await t
      .http()
      .post('/api/admin/api-tokens')
      .set('Authorization', `Bearer ${token}`)
      .send({ name: 'by token', scopes: ['pbx_api_access'] })
      .expect(401);
    // A valid session does not make a bearer header acceptable.
    await admin.agent
      .get('/api/admin/users')
      .set('Authorization', `Bearer ${token}`)
      .expect(401, { message: 'Unauthenticated.' });
    const byToken = await t.db.query('SELECT 1 FROM api_tokens WHERE name = $1', ['by token']);
    expect(byToken).toHaveLength(0);
  });

  it("ends a disabled user's existing session at once, and they cannot sign in again", async () => {
    const admin = await login(t, 'admin');
    const victim = await createUser(t, 'auditor');
    const session = await login(t, 'auditor', victim);
    await session.get('/api/admin/auth/me').expect(200);
    await admin.patch(`/api/admin/users/${victim.id}`).send({ disabled: true }).expect(200);
    await session.get('/api/admin/auth/me').expect(401, { message: 'Unauthenticated.' });
    await session.get('/api/admin/audit-log').expect(401);
    await signIn(victim).expect(401);
    // Re-enabled, they sign in again (the old session stays gone).
    await admin.patch(`/api/admin/users/${victim.id}`).send({ disabled: false }).expect(200);
    await session.get('/api/admin/auth/me').expect(401);
    await login(t, 'auditor', victim);
  });

  it('lets an auditor read the audit log (list, export, verify) and nothing else', async () => {
    const auditor = await login(t, 'auditor');
    const me = await auditor.get('/api/admin/auth/me').expect(200);
    expect(me.body.data.user.role).toBe('auditor');

    const list = await auditor.get('/api/admin/audit-log?limit=5').expect(200);
    expect(list.body.data.length).toBeGreaterThan(0);
    expect(list.body).toHaveProperty('next_cursor');
    const csv = await auditor.get(`/api/admin/audit-log/export?actor_id=${auditor.userId}`);
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.text.split('\n')[0]).toBe(
      'id,occurred_at,actor_type,actor_id,actor_name,action,target_type,target_id,ip,user_agent,changes,hash',
    );
    const verify = await auditor.get('/api/admin/audit-log/verify').expect(200);
    expect(verify.body.data).toEqual({
      ok: expect.any(Boolean),
      checked: expect.any(Number),
      first_broken_id: verify.body.data.ok ? null : expect.any(String),
    });

    const forbidden = { message: 'This action is unauthorized.' };
    await auditor.get('/api/admin/users').expect(403, forbidden);
    await auditor.get('/api/admin/api-tokens').expect(403, forbidden);
    await auditor
      .post('/api/admin/users')
      .send({ email: uniqueEmail(), name: 'x', role: 'admin', password: TEST_PASSWORD })
      .expect(403, forbidden);
    await auditor
      .patch(`/api/admin/users/${auditor.userId}`)
      .send({ role: 'admin' })
      .expect(403, forbidden);
    await auditor
      .post('/api/admin/api-tokens')
      .send({ name: 'x', scopes: ['pbx_api_access'] })
      .expect(403, forbidden);
    await auditor.del(`/api/admin/api-tokens/${randomUUID()}`).expect(403, forbidden);
    const role = await t.db.query<{ role: string }[]>('SELECT role FROM users WHERE id = $1', [
      auditor.userId,
    ]);
    expect(role).toEqual([{ role: 'auditor' }]);

    await auditor.post('/api/admin/auth/logout').expect(204);
  });
});
