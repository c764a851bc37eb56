import { TestBed } from '@angular/core/testing';
import { HttpTestingController } from '@angular/common/http/testing';
import { Router } from '@angular/router';
import { settle, testProviders, withXsrfCookie } from '../../../testing/providers';
import { StubPage } from '../../../testing/page-test';
import { aUser } from '../../../testing/fixtures';
import { Role, User } from '../api/api.types';
import { authGuard, guestGuard, roleGuard } from './guards';

function user(role: Role): User {
  return aUser({ id: 'u1', email: 'x@z.t', name: 'X', role });
}

describe('route guards', () => {
  let router: Router;
  let http: HttpTestingController;
  withXsrfCookie();

  beforeEach(() => {
    TestBed.configureTestingModule({
      providers: testProviders([
        { path: 'login', canMatch: [guestGuard], component: StubPage },
        {
          path: '',
          canMatch: [authGuard],
          children: [
            { path: 'webhooks', canMatch: [roleGuard('admin')], component: StubPage },
            { path: 'audit-log', canMatch: [roleGuard('admin', 'auditor')], component: StubPage },
          ],
        },
      ]),
    });
    router = TestBed.inject(Router);
    http = TestBed.inject(HttpTestingController);
  });

  afterEach(() => http.verify());

  async function go(url: string, me: User | null): Promise<string> {
    const nav = router.navigateByUrl(url);
    await settle();
    const req = http.expectOne('/api/admin/auth/me');
    if (me) req.flush({ data: { user: me } });
    else req.flush({ message: 'Unauthenticated.' }, { status: 401, statusText: 'Unauthorized' });
    await nav;
    await settle();
    return router.url;
  }

  it('sends a signed-out user to the login page with the return URL', async () => {
    expect(await go('/webhooks', null)).toBe('/login?returnUrl=%2Fwebhooks');
  });

  it('sends a browser without a session cookie to the login page without asking the server', async () => {
    document.cookie = 'XSRF-TOKEN=; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=/';
    await router.navigateByUrl('/webhooks');
    await settle();
    http.expectNone('/api/admin/auth/me');
    expect(router.url).toBe('/login?returnUrl=%2Fwebhooks');
  });

  it('lets an admin in', async () => {
    expect(await go('/webhooks', user('admin'))).toBe('/webhooks');
  });

  it('keeps an auditor out of admin screens and on the audit log', async () => {
    expect(await go('/webhooks', user('auditor'))).toBe('/audit-log');
  });

  it('lets an auditor read the audit log', async () => {
    expect(await go('/audit-log', user('auditor'))).toBe('/audit-log');
  });

  it('sends a signed-in user away from the login page', async () => {
    expect(await go('/login', user('admin'))).toBe('/webhooks');
  });
});
