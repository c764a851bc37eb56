import type request from 'supertest';
import { Session, TestApp, createUser, login, useApp } from '../support/app';

/** `POST /api/admin/auth/password`: a signed-in user changes their own password. */
describe('changing one’s own password', () => {
  let t: TestApp;
  useApp((app) => (t = app));

  /** The XSRF token a response set (the session is reissued by a password change). */
  const newCsrf = (res: request.Response): string => {
    // The last one wins (the guard renews the old token before the session is reissued).
    const cookie = ([] as string[])
      .concat(res.headers['set-cookie'] ?? [])
      .filter((c) => c.startsWith('XSRF-TOKEN='))
      .pop();
    if (!cookie) throw new Error('no XSRF-TOKEN cookie');
    return decodeURIComponent(cookie.split(';')[0].slice('XSRF-TOKEN='.length));
  };

  let ipCounter = 0;
  /**
   * Each change comes from an address of its own: failed checks count against the client address
   * too, and 127.0.0.1 is every other test file's address.
   */
  const change = (s: Session, body: object) =>
    s
      .post('/api/admin/auth/password')
      .set('X-Forwarded-For', `198.18.99.${++ipCounter}`)
      .send(body);

  it('changes it, audits it without password material, and signs out every other session', async () => {
    const user = await createUser(t);
    const here = await login(t, 'admin', user);
    const elsewhere = await login(t, 'admin', user);
    const newPassword = 'a much longer and newer passphrase';
    const res = await change(here, {
      current_password: user.password,
      new_password: newPassword,
    }).expect(200);
    expect(res.body.data.user).toMatchObject({ id: user.id, email: user.email });

    // This session goes on (reissued, with a new CSRF token); the other one is gone.
    await here.agent.get('/api/admin/auth/me').expect(200);
    const csrf = newCsrf(res);
    expect(csrf).not.toBe(here.csrf);
    await here.agent
      .patch(`/api/admin/users/${user.id}`)
      .set('X-XSRF-TOKEN', csrf)
      .send({ name: 'Still here' })
      .expect(200);
    await elsewhere.agent.get('/api/admin/auth/me').expect(401);

    // The old password no longer signs in, the new one does.
    const signIn = (password: string) =>
      t.http().post('/api/admin/auth/login').send({ email: user.email, password });
    await signIn(user.password).expect(401);
    await signIn(newPassword).expect(200);

    const audit = await t.db.query<{ actor_id: string; changes: unknown }[]>(
      `SELECT actor_id, changes FROM audit_log WHERE action = 'user.password_changed' AND target_id = $1`,
      [user.id],
    );
    expect(audit).toEqual([{ actor_id: user.id, changes: null }]);
    const [{ text }] = await t.db.query<{ text: string }[]>(
      `SELECT string_agg(row_to_json(a)::text, '') AS text FROM audit_log a WHERE target_id = $1`,
      [user.id],
    );
    expect(text).not.toContain(newPassword);
  });

  it('refuses a wrong current password or a bad new one with a 422 naming the field', async () => {
    const user = await createUser(t, 'auditor');
    const s = await login(t, 'auditor', user);
    const wrong = await change(s, {
      current_password: 'not my password',
      new_password: 'a much longer and newer passphrase',
    }).expect(422);
    expect(Object.keys(wrong.body.errors)).toEqual(['current_password']);
    const short = await change(s, { current_password: user.password, new_password: 'short' });
    expect(short.status).toBe(422);
    expect(Object.keys(short.body.errors)).toEqual(['new_password']);
    const same = await change(s, { current_password: user.password, new_password: user.password });
    expect(Object.keys(same.body.errors)).toEqual(['new_password']);
    await s.get('/api/admin/auth/me').expect(200);
    await t
      .http()
      .post('/api/admin/auth/login')
      .send({ email: user.email, password: user.password })
      .expect(200);
  });

  it('throttles guesses of the current password like logins', async () => {
    const user = await createUser(t);
    const s = await login(t, 'admin', user);
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      // Six addresses: the account's own counter throttles.
      const res = await change(s, {
        current_password: `guess number ${i}`,
        new_password: 'a much longer and newer passphrase',
      });
      statuses.push(res.status);
    }
    expect(statuses).toEqual([422, 422, 422, 422, 422, 429]);
  });

  it('needs a session and its CSRF token', async () => {
    await t
      .http()
      .post('/api/admin/auth/password')
      .send({ current_password: 'x', new_password: 'y'.repeat(12) })
      .expect(401);
    const s = await login(t);
    await s.agent
      .post('/api/admin/auth/password')
      .send({ current_password: 'x', new_password: 'y'.repeat(12) })
      .expect(403);
  });
});
