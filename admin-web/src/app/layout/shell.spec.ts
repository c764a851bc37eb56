import { TestBed } from '@angular/core/testing';
import { HttpTestingController } from '@angular/common/http/testing';
import { Router } from '@angular/router';
import { RouterTestingHarness } from '@angular/router/testing';
import { settle, testProviders } from '../../testing/providers';
import { StubPage } from '../../testing/page-test';
import { Role } from '../core/api/api.types';
import { AuthStore } from '../core/auth/auth-store';
import { navFor } from './nav';
import { Shell } from './shell';

describe('Shell', () => {
  let harness: RouterTestingHarness;
  let http: HttpTestingController;

  async function signInAs(role: Role): Promise<void> {
    TestBed.configureTestingModule({
      providers: testProviders([
        { path: 'login', component: StubPage },
        { path: '', component: Shell, children: [{ path: '**', component: StubPage }] },
      ]),
    });
    http = TestBed.inject(HttpTestingController);
    TestBed.inject(AuthStore).login('x@z.t', 'pw').subscribe();
    http.expectOne('/api/admin/auth/login').flush({
      data: {
        user: { id: 'u', email: 'x@z.t', name: 'Xavier', role, disabled: false, created_at: '' },
      },
    });
    harness = await RouterTestingHarness.create('/audit-log');
  }

  afterEach(() => http.verify());

  const q = (testid: string) => document.querySelector(`[data-testid="${testid}"]`);

  it('shows the user, the role and every section to an admin', async () => {
    await signInAs('admin');
    expect(q('current-user-name')?.textContent).toContain('Xavier');
    expect(q('current-user-role')?.textContent).toContain('admin');
    for (const id of [
      'nav-webhooks',
      'nav-deliveries',
      'nav-audit-log',
      'nav-users',
      'nav-api-tokens',
    ]) {
      expect(q(id)).not.toBeNull();
    }
  });

  it('shows only the audit log to an auditor', async () => {
    await signInAs('auditor');
    expect(q('nav-audit-log')).not.toBeNull();
    expect(q('nav-audit-log')?.getAttribute('aria-current')).toBe('page');
    for (const id of ['nav-webhooks', 'nav-deliveries', 'nav-users', 'nav-api-tokens']) {
      expect(q(id)).toBeNull();
    }
  });

  it('signs out and goes to the login page', async () => {
    await signInAs('admin');
    (q('logout-button') as HTMLButtonElement).click();
    http
      .expectOne({ method: 'POST', url: '/api/admin/auth/logout' })
      .flush(null, { status: 204, statusText: 'No Content' });
    await settle();
    expect(TestBed.inject(Router).url).toBe('/login');
    expect(TestBed.inject(AuthStore).user()).toBeNull();
    harness.detectChanges();
  });
});

describe('navFor', () => {
  it('filters the navigation by role', () => {
    expect(navFor('auditor').map((i) => i.path)).toEqual(['/audit-log']);
    expect(navFor('admin')).toHaveLength(5);
    expect(navFor(null)).toEqual([]);
  });
});
