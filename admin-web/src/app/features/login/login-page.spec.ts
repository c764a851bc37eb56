import { TestBed } from '@angular/core/testing';
import { TestRequest } from '@angular/common/http/testing';
import { Router } from '@angular/router';
import { settle } from '../../../testing/providers';
import { StubPage, pageTest } from '../../../testing/page-test';
import { aUser } from '../../../testing/fixtures';
import { LoginPage, safeReturnUrl } from './login-page';

describe('LoginPage', () => {
  const page = pageTest([
    { path: 'login', component: LoginPage },
    { path: 'webhooks', component: StubPage },
    { path: 'deliveries/:id', component: StubPage },
    { path: 'audit-log', component: StubPage },
  ]);
  const { q, type, tick } = page;
  /** Fills in the form, submits it and returns the login request. */
  function signIn(email: string, password: string): TestRequest {
    type('login-email', email);
    type('login-password', password);
    q<HTMLButtonElement>('login-submit').click();
    return page.http.expectOne('/api/admin/auth/login');
  }

  it('does not submit an empty form', async () => {
    await page.harness.navigateByUrl('/login');
    q<HTMLButtonElement>('login-submit').click();
    await settle();
    page.http.expectNone('/api/admin/auth/login');
    expect(page.harness.routeNativeElement!.textContent).toContain('Enter your email address.');
  });

  it('signs in and follows the return URL', async () => {
    await page.harness.navigateByUrl('/login?returnUrl=%2Fdeliveries%2Fd1');
    const req = signIn('a@z.t', 'secret');
    expect(req.request.body).toEqual({ email: 'a@z.t', password: 'secret' });
    req.flush({ data: { user: aUser() } });
    await settle();
    expect(TestBed.inject(Router).url).toBe('/deliveries/d1');
  });

  it('shows a clear message on bad credentials and clears the password', async () => {
    await page.harness.navigateByUrl('/login');
    signIn('a@z.t', 'wrong').flush(
      { message: 'Unauthenticated.' },
      { status: 401, statusText: 'Unauthorized' },
    );
    await tick();
    expect(q('login-error').textContent).toContain('email or password is incorrect');
    expect(q<HTMLInputElement>('login-password').value).toBe('');
    expect(TestBed.inject(Router).url).toBe('/login');
  });

  it('explains throttling with the wait time', async () => {
    await page.harness.navigateByUrl('/login');
    signIn('a@z.t', 'x').flush(
      { message: 'Too many requests. Retry after 42 seconds.' },
      { status: 429, statusText: 'Too Many Requests', headers: { 'Retry-After': '42' } },
    );
    await tick();
    expect(q('login-error').textContent).toContain('42 seconds');
  });
});

describe('safeReturnUrl', () => {
  it('only follows paths inside the app', () => {
    expect(safeReturnUrl('/webhooks/1')).toBe('/webhooks/1');
    expect(safeReturnUrl('//evil.example')).toBeNull();
    expect(safeReturnUrl('https://evil.example')).toBeNull();
    expect(safeReturnUrl('/\\evil.example')).toBeNull();
    expect(safeReturnUrl('/login')).toBeNull();
    expect(safeReturnUrl(undefined)).toBeNull();
  });
});
