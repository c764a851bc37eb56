import { TestBed } from '@angular/core/testing';
import { HttpTestingController } from '@angular/common/http/testing';
import { testProviders } from '../../../testing/providers';
import { User } from './api.types';
import { AuthApi } from './auth-api';

describe('AuthApi', () => {
  let api: AuthApi;
  let http: HttpTestingController;
  const user = {
    id: 'u1',
    email: 'a@b.c',
    name: 'A',
    role: 'admin',
    disabled: false,
    created_at: '',
  };

  beforeEach(() => {
    TestBed.configureTestingModule({ providers: testProviders() });
    api = TestBed.inject(AuthApi);
    http = TestBed.inject(HttpTestingController);
  });

  afterEach(() => http.verify());

  it('logs in with email and password and returns the user', () => {
    let got: User | undefined;
    api.login('a@b.c', 'pw').subscribe((u) => (got = u));
    const req = http.expectOne({ method: 'POST', url: '/api/admin/auth/login' });
    expect(req.request.body).toEqual({ email: 'a@b.c', password: 'pw' });
    req.flush({ data: { user } });
    expect(got?.email).toBe('a@b.c');
  });

  it('reads the session user from auth/me', () => {
    let got: User | undefined;
    api.me().subscribe((u) => (got = u));
    http.expectOne({ method: 'GET', url: '/api/admin/auth/me' }).flush({ data: { user } });
    expect(got?.role).toBe('admin');
  });

  it('logs out with POST auth/logout', () => {
    let done = false;
    api.logout().subscribe({ complete: () => (done = true) });
    http
      .expectOne({ method: 'POST', url: '/api/admin/auth/logout' })
      .flush(null, { status: 204, statusText: 'No Content' });
    expect(done).toBe(true);
  });
});
