import { ChangeDetectionStrategy, Component } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { HttpTestingController } from '@angular/common/http/testing';
import { Router } from '@angular/router';
import { RouterTestingHarness } from '@angular/router/testing';
import { settle, testProviders } from '../../../testing/providers';
import { LoginPage, safeReturnUrl } from './login-page';

@Component({ changeDetection: ChangeDetectionStrategy.OnPush, template: 'target' })
class Target {}

describe('LoginPage', () => {
  let harness: RouterTestingHarness;
  let http: HttpTestingController;
  const user = {
    id: 'u',
    email: 'a@z.t',
    name: 'A',
    role: 'admin',
    disabled: false,
    created_at: '',
  };

  beforeEach(async () => {
    TestBed.configureTestingModule({
      providers: testProviders([
        { path: 'login', component: LoginPage },
        { path: 'webhooks', component: Target },
        { path: 'deliveries/:id', component: Target },
        { path: 'audit-log', component: Target },
      ]),
    });
    http = TestBed.inject(HttpTestingController);
    harness = await RouterTestingHarness.create();
  });

  afterEach(() => http.verify());

  function el<T extends HTMLElement>(testid: string): T {
    return harness.routeNativeElement!.querySelector(`[data-testid="${testid}"]`) as T;
  }
  function type(testid: string, value: string): void {
    const input = el<HTMLInputElement>(testid);
    input.value = value;
    input.dispatchEvent(new Event('input'));
  }

  it('does not submit an empty form', async () => {
    await harness.navigateByUrl('/login');
    el<HTMLButtonElement>('login-submit').click();
    await settle();
    http.expectNone('/api/admin/auth/login');
    expect(harness.routeNativeElement!.textContent).toContain('Enter your email address.');
  });

  it('signs in and follows the return URL', async () => {
    await harness.navigateByUrl('/login?returnUrl=%2Fdeliveries%2Fd1');
    type('login-email', 'a@z.t');
    type('login-password', 'secret');
    el<HTMLButtonElement>('login-submit').click();
    const req = http.expectOne('/api/admin/auth/login');
    expect(req.request.body).toEqual({ email: 'a@z.t', password: 'secret' });
    req.flush({ data: { user } });
    await settle();
    expect(TestBed.inject(Router).url).toBe('/deliveries/d1');
  });

  it('shows a clear message on bad credentials and clears the password', async () => {
    await harness.navigateByUrl('/login');
    type('login-email', 'a@z.t');
    type('login-password', 'wrong');
    el<HTMLButtonElement>('login-submit').click();
    http
      .expectOne('/api/admin/auth/login')
      .flush({ message: 'Unauthenticated.' }, { status: 401, statusText: 'Unauthorized' });
    await settle();
    harness.detectChanges();
    expect(el('login-error').textContent).toContain('email or password is incorrect');
    expect(el<HTMLInputElement>('login-password').value).toBe('');
    expect(TestBed.inject(Router).url).toBe('/login');
  });

  it('explains throttling with the wait time', async () => {
    await harness.navigateByUrl('/login');
    type('login-email', 'a@z.t');
    type('login-password', 'x');
    el<HTMLButtonElement>('login-submit').click();
    http
      .expectOne('/api/admin/auth/login')
      .flush(
        { message: 'Too many requests. Retry after 42 seconds.' },
        { status: 429, statusText: 'Too Many Requests', headers: { 'Retry-After': '42' } },
      );
    await settle();
    harness.detectChanges();
    expect(el('login-error').textContent).toContain('42 seconds');
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
