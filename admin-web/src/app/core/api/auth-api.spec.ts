import { apiServiceTest } from '../../../testing/providers';
import { User } from './api.types';
import { AuthApi } from './auth-api';

describe('AuthApi', () => {
  const t = apiServiceTest(AuthApi);
  const user = {
    id: 'u1',
    email: 'a@b.c',
    name: 'A',
    role: 'admin',
    disabled: false,
    created_at: '',
  };

  it('logs in with email and password and returns the user', () => {
    let got: User | undefined;
    t.api.login('a@b.c', 'pw').subscribe((u) => (got = u));
    const req = t.http.expectOne({ method: 'POST', url: '/api/admin/auth/login' });
    expect(req.request.body).toEqual({ email: 'a@b.c', password: 'pw' });
    req.flush({ data: { user } });
    expect(got?.email).toBe('a@b.c');
  });

  it('reads the session user from auth/me', () => {
    let got: User | undefined;
    t.api.me().subscribe((u) => (got = u));
    t.http.expectOne({ method: 'GET', url: '/api/admin/auth/me' }).flush({ data: { user } });
    expect(got?.role).toBe('admin');
  });

  it('logs out with POST auth/logout', () => {
    let done = false;
    t.api.logout().subscribe({ complete: () => (done = true) });
    t.http
      .expectOne({ method: 'POST', url: '/api/admin/auth/logout' })
      .flush(null, { status: 204, statusText: 'No Content' });
    expect(done).toBe(true);
  });
});
