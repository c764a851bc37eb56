import { apiServiceTest, withXsrfCookie } from '../../../testing/providers';
import { aUser } from '../../../testing/fixtures';
import { User } from '../api/api.types';
import { AuthStore } from './auth-store';

const admin: User = aUser({ id: 'u1' });

describe('AuthStore', () => {
  const t = apiServiceTest(AuthStore);
  withXsrfCookie();

  it('loads the session user once, however many callers ask', async () => {
    const a = t.api.ensureLoaded();
    const b = t.api.ensureLoaded();
    t.http.expectOne('/api/admin/auth/me').flush({ data: { user: admin } });
    expect(await a).toEqual(admin);
    expect(await b).toEqual(admin);
    expect(await t.api.ensureLoaded()).toEqual(admin);
    t.http.expectNone('/api/admin/auth/me');
    expect(t.api.isAdmin()).toBe(true);
    expect(t.api.homeFor()).toBe('/webhooks');
  });

  it('resolves to null without a session (401)', async () => {
    const p = t.api.ensureLoaded();
    t.http
      .expectOne('/api/admin/auth/me')
      .flush({ message: 'Unauthenticated.' }, { status: 401, statusText: 'Unauthorized' });
    expect(await p).toBeNull();
    expect(t.api.signedIn()).toBe(false);
  });

  it('does not ask the server without an XSRF-TOKEN cookie (never signed in, or signed out)', async () => {
    document.cookie = 'XSRF-TOKEN=; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=/';
    expect(await t.api.ensureLoaded()).toBeNull();
    t.http.expectNone('/api/admin/auth/me');
    expect(t.api.signedIn()).toBe(false);
    expect(await t.api.ensureLoaded()).toBeNull();
    t.http.expectNone('/api/admin/auth/me');
  });

  it('sends auditors to the audit log', () => {
    expect(t.api.homeFor({ ...admin, role: 'auditor' })).toBe('/audit-log');
  });

  it('sets the user on login and clears it on logout, even if logout fails', () => {
    t.api.login('a@z.t', 'pw').subscribe();
    t.http.expectOne('/api/admin/auth/login').flush({ data: { user: admin } });
    expect(t.api.user()).toEqual(admin);
    expect(t.api.hasRole('admin')).toBe(true);
    t.api.logout().subscribe();
    t.http.expectOne('/api/admin/auth/logout').flush({}, { status: 500, statusText: 'Err' });
    expect(t.api.user()).toBeNull();
  });
});
