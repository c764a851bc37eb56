import { TestBed } from '@angular/core/testing';
import { HttpTestingController } from '@angular/common/http/testing';
import { testProviders } from '../../../testing/providers';
import { User } from '../api/api.types';
import { AuthStore } from './auth-store';

const admin: User = {
  id: 'u1',
  email: 'a@z.t',
  name: 'A',
  role: 'admin',
  disabled: false,
  created_at: '',
};

describe('AuthStore', () => {
  let store: AuthStore;
  let http: HttpTestingController;

  beforeEach(() => {
    TestBed.configureTestingModule({ providers: testProviders() });
    store = TestBed.inject(AuthStore);
    http = TestBed.inject(HttpTestingController);
    // What the backend sets at login, next to the httpOnly session cookie.
    document.cookie = 'XSRF-TOKEN=tok123; path=/';
  });

  afterEach(() => {
    document.cookie = 'XSRF-TOKEN=; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=/';
    http.verify();
  });

  it('loads the session user once, however many callers ask', async () => {
    const a = store.ensureLoaded();
    const b = store.ensureLoaded();
    http.expectOne('/api/admin/auth/me').flush({ data: { user: admin } });
    expect(await a).toEqual(admin);
    expect(await b).toEqual(admin);
    expect(await store.ensureLoaded()).toEqual(admin);
    http.expectNone('/api/admin/auth/me');
    expect(store.isAdmin()).toBe(true);
    expect(store.homeFor()).toBe('/webhooks');
  });

  it('resolves to null without a session (401)', async () => {
    const p = store.ensureLoaded();
    http
      .expectOne('/api/admin/auth/me')
      .flush({ message: 'Unauthenticated.' }, { status: 401, statusText: 'Unauthorized' });
    expect(await p).toBeNull();
    expect(store.signedIn()).toBe(false);
  });

  it('does not ask the server without an XSRF-TOKEN cookie (never signed in, or signed out)', async () => {
    document.cookie = 'XSRF-TOKEN=; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=/';
    expect(await store.ensureLoaded()).toBeNull();
    http.expectNone('/api/admin/auth/me');
    expect(store.signedIn()).toBe(false);
    expect(await store.ensureLoaded()).toBeNull();
    http.expectNone('/api/admin/auth/me');
  });

  it('sends auditors to the audit log', () => {
    expect(store.homeFor({ ...admin, role: 'auditor' })).toBe('/audit-log');
  });

  it('sets the user on login and clears it on logout, even if logout fails', () => {
    store.login('a@z.t', 'pw').subscribe();
    http.expectOne('/api/admin/auth/login').flush({ data: { user: admin } });
    expect(store.user()).toEqual(admin);
    expect(store.hasRole('admin')).toBe(true);
    store.logout().subscribe();
    http.expectOne('/api/admin/auth/logout').flush({}, { status: 500, statusText: 'Err' });
    expect(store.user()).toBeNull();
  });
});
