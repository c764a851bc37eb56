import { login, TestApp, useApp } from '../support/app';

describe('XSRF-TOKEN cookie lifetime', () => {
  let t: TestApp;
  useApp((app) => (t = app));

  it('is renewed with every authenticated console response, so it never outlives the rolling session', async () => {
    const admin = await login(t);
    const res = await admin.get('/api/admin/auth/me').expect(200);
    const cookies = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
    const xsrf = cookies.find((c) => c.startsWith('XSRF-TOKEN='));
    expect(xsrf).toBeDefined();
    expect(decodeURIComponent(xsrf!.split(';')[0].slice('XSRF-TOKEN='.length))).toBe(admin.csrf);
    expect(xsrf).toMatch(/Max-Age=28800/);
    expect(xsrf).toMatch(/SameSite=Strict/);
    expect(xsrf).not.toMatch(/HttpOnly/);
    const session = cookies.find((c) => c.startsWith('zorio_session='));
    expect(session).toMatch(/HttpOnly/);
    // Not for anonymous requests.
    const anonymous = await t.http().get('/api/admin/auth/me').expect(401);
    expect(([] as string[]).concat(anonymous.headers['set-cookie'] ?? [])).toEqual([]);
  });
});
