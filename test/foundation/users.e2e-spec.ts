import { randomUUID } from 'node:crypto';
import { Actor, SYSTEM_ACTOR } from '../../src/common/actor';
import { UsersService } from '../../src/modules/auth/users.service';
import {
  Session,
  TEST_PASSWORD,
  TestApp,
  createUser,
  login,
  uniqueEmail,
  useApp,
} from '../support/app';
import { useScratchApp } from './scratch-db';

describe('users (admin)', () => {
  let t: TestApp;
  let admin: Session;

  useApp(async (app) => {
    t = app;
    admin = await login(t, 'admin');
  });

  const newUser = (over: Record<string, unknown> = {}) => ({
    email: uniqueEmail('crud'),
    name: 'Crud User',
    role: 'auditor',
    password: TEST_PASSWORD,
    ...over,
  });

  it('creates a user (201), lists it, and audits user.created without the password', async () => {
    const body = newUser();
    const res = await admin.post('/api/admin/users').send(body).expect(201);
    expect(res.body).toEqual({
      data: {
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        email: body.email,
        name: 'Crud User',
        role: 'auditor',
        disabled: false,
        created_at: expect.any(String),
      },
    });
    const id = res.body.data.id as string;
    const list = await admin.get('/api/admin/users').expect(200);
    expect(list.body.data).toContainEqual(res.body.data);
    expect(JSON.stringify(list.body)).not.toMatch(/password|argon2/i);

    const audit = await admin
      .get(`/api/admin/audit-log?action=user.created&target_id=${id}`)
      .expect(200);
    expect(audit.body.data).toHaveLength(1);
    expect(audit.body.data[0]).toMatchObject({
      actor_type: 'user',
      actor_id: admin.userId,
      actor_name: admin.email,
      changes: { before: null, after: res.body.data },
    });
    expect(JSON.stringify(audit.body)).not.toContain(TEST_PASSWORD);
    // The new user signs in with the given password.
    await login(t, 'auditor', { id, email: body.email, password: TEST_PASSWORD });
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['a bad email', { email: 'not-an-email' }, 'email'],
    ['an empty name', { name: '' }, 'name'],
    ['an unknown role', { role: 'root' }, 'role'],
    ['a short password', { password: 'short' }, 'password'],
    ['a numeric name', { name: 12 }, 'name'],
    ['an unknown field', { is_superuser: true }, 'is_superuser'],
  ])('refuses %s with 422 naming the field and creates nothing', async (_, over, field) => {
    const body = newUser(over);
    const res = await admin.post('/api/admin/users').send(body).expect(422);
    expect(res.body.message).toBe('The given data was invalid.');
    expect(res.body.errors[field]).toEqual([expect.any(String)]);
    if (typeof body.email === 'string') {
      expect(await t.db.query('SELECT 1 FROM users WHERE email = $1', [body.email])).toEqual([]);
    }
  });

  it('refuses a missing field with 422', async () => {
    const res = await admin.post('/api/admin/users').send({ email: uniqueEmail() }).expect(422);
    expect(Object.keys(res.body.errors).sort()).toEqual(['name', 'password', 'role']);
  });

  it('refuses a duplicate email (any case) with 409, even when two requests race', async () => {
    const body = newUser();
    await admin.post('/api/admin/users').send(body).expect(201);
    const dup = await admin
      .post('/api/admin/users')
      .send({ ...body, email: body.email.toUpperCase() })
      .expect(409);
    expect(dup.body).toEqual({ message: expect.stringMatching(/already/) });

    const racing = newUser();
    const results = await Promise.all(
      [1, 2, 3].map(() => admin.post('/api/admin/users').send(racing)),
    );
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409]);
    const rows = await t.db.query('SELECT 1 FROM users WHERE email = $1', [racing.email]);
    expect(rows).toHaveLength(1);
  });

  it('updates role, disabled and name, audits before/after, and validates', async () => {
    const user = await createUser(t, 'auditor');
    const res = await admin
      .patch(`/api/admin/users/${user.id}`)
      .send({ role: 'admin', name: 'Promoted' })
      .expect(200);
    expect(res.body.data).toMatchObject({ id: user.id, role: 'admin', name: 'Promoted' });
    const audit = await admin
      .get(`/api/admin/audit-log?action=user.updated&target_id=${user.id}`)
      .expect(200);
    expect(audit.body.data[0].changes).toMatchObject({
      before: { role: 'auditor', name: 'Test auditor' },
      after: { role: 'admin', name: 'Promoted' },
    });

    for (const bad of [{ role: 'root' }, { disabled: 'yes' }, { name: '' }, { email: 'x@y.zz' }]) {
      const r = await admin.patch(`/api/admin/users/${user.id}`).send(bad).expect(422);
      expect(Object.keys(r.body.errors)).toEqual(Object.keys(bad));
    }
    const [row] = await t.db.query<{ role: string; disabled: boolean; email: string }[]>(
      'SELECT role, disabled, email FROM users WHERE id = $1',
      [user.id],
    );
    expect(row).toEqual({ role: 'admin', disabled: false, email: user.email });
  });

  it('answers 404 for a random or malformed id', async () => {
    await admin
      .patch(`/api/admin/users/${randomUUID()}`)
      .send({ disabled: true })
      .expect(404, { message: 'Resource not found' });
    await admin
      .patch('/api/admin/users/not-a-uuid')
      .send({ disabled: true })
      .expect(404, { message: 'Resource not found' });
  });

  it('refuses to disable or demote yourself (409) and changes nothing', async () => {
    const me = await login(t, 'admin');
    const self = await me.patch(`/api/admin/users/${me.userId}`).send({ disabled: true });
    expect(self.status).toBe(409);
    expect(self.body.message).toMatch(/your own account/);
    await me.patch(`/api/admin/users/${me.userId}`).send({ role: 'auditor' }).expect(409);
    await me.get('/api/admin/auth/me').expect(200);
    const [row] = await t.db.query<{ role: string; disabled: boolean }[]>(
      'SELECT role, disabled FROM users WHERE id = $1',
      [me.userId],
    );
    expect(row).toEqual({ role: 'admin', disabled: false });
  });
});

/** The last active admin, on a database of its own (the shared one has many admins). */
describe('the last active admin', () => {
  let t: TestApp;
  useScratchApp('lastadmin', (app) => (t = app));

  const activeAdmins = () =>
    t.db.query<{ id: string }[]>(`SELECT id FROM users WHERE role = 'admin' AND NOT disabled`);
  const actor = (id: string): Actor => ({ type: 'user', id, name: id, ip: null, userAgent: null });

  it('survives two admins disabling each other at the same moment (one wins, one gets 409)', async () => {
    const users = t.app.get(UsersService);
    const a = await createUser(t, 'admin');
    const b = await createUser(t, 'admin');
    const results = await Promise.allSettled([
      users.update(actor(a.id), b.id, { disabled: true }),
      users.update(actor(b.id), a.id, { disabled: true }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const [refused] = results.filter((r) => r.status === 'rejected');
    expect(refused.reason).toMatchObject({
      status: 409,
      message: 'The last active admin cannot be disabled or demoted.',
    });
    expect(await activeAdmins()).toHaveLength(1);
  });

  it('cannot be removed through the API or by the system, but can once another admin exists', async () => {
    const users = t.app.get(UsersService);
    const c = await login(t, 'admin');
    const d = await login(t, 'admin');
    for (const { id } of await activeAdmins()) {
      if (id !== c.userId && id !== d.userId) {
        await users.update(SYSTEM_ACTOR, id, { disabled: true });
      }
    }
    const results = await Promise.all([
      c.patch(`/api/admin/users/${d.userId}`).send({ disabled: true }),
      d.patch(`/api/admin/users/${c.userId}`).send({ disabled: true }),
    ]);
    const statuses = results.map((r) => r.status).sort();
    // Whichever request lands second is refused: by the last-admin rule, or because its author
    // was disabled a moment earlier.
    expect(statuses[0]).toBe(200);
    expect([401, 409]).toContain(statuses[1]);
    const [last] = await activeAdmins();
    expect(await activeAdmins()).toHaveLength(1);

    await expect(users.update(SYSTEM_ACTOR, last.id, { disabled: true })).rejects.toMatchObject({
      status: 409,
    });
    await expect(users.update(SYSTEM_ACTOR, last.id, { role: 'auditor' })).rejects.toMatchObject({
      status: 409,
    });
    const other = await createUser(t, 'admin');
    await users.update(SYSTEM_ACTOR, last.id, { role: 'auditor' });
    expect(await activeAdmins()).toEqual([{ id: other.id }]);
  });
});
