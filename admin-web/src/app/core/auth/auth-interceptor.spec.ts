import { ChangeDetectionStrategy, Component } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { HttpClient } from '@angular/common/http';
import { HttpTestingController } from '@angular/common/http/testing';
import { Router } from '@angular/router';
import { settle, testProviders } from '../../../testing/providers';
import { AuthStore } from './auth-store';

@Component({ changeDetection: ChangeDetectionStrategy.OnPush, template: '' })
class Page {}

describe('authInterceptor', () => {
  let http: HttpClient;
  let backend: HttpTestingController;
  let router: Router;
  let auth: AuthStore;

  beforeEach(async () => {
    TestBed.configureTestingModule({
      providers: testProviders([
        { path: 'login', component: Page },
        { path: 'webhooks/:id', component: Page },
      ]),
    });
    http = TestBed.inject(HttpClient);
    backend = TestBed.inject(HttpTestingController);
    router = TestBed.inject(Router);
    auth = TestBed.inject(AuthStore);
    await router.navigateByUrl('/webhooks/w1');
  });

  afterEach(() => backend.verify());

  it('on a 401 from the API forgets the user and goes to login, keeping the way back', async () => {
    auth.login('a@z.t', 'pw').subscribe();
    backend.expectOne('/api/admin/auth/login').flush({
      data: {
        user: {
          id: 'u',
          email: 'a@z.t',
          name: 'A',
          role: 'admin',
          disabled: false,
          created_at: '',
        },
      },
    });
    let status = 0;
    http
      .get('/api/admin/webhooks')
      .subscribe({ error: (e: { status: number }) => (status = e.status) });
    backend
      .expectOne('/api/admin/webhooks')
      .flush({ message: 'Unauthenticated.' }, { status: 401, statusText: 'Unauthorized' });
    await settle();
    expect(status).toBe(401);
    expect(auth.user()).toBeNull();
    expect(router.url).toBe('/login?returnUrl=%2Fwebhooks%2Fw1&expired=1');
  });

  it('leaves a failed login alone (its 401 is an answer)', async () => {
    http.post('/api/admin/auth/login', {}).subscribe({ error: () => undefined });
    backend
      .expectOne('/api/admin/auth/login')
      .flush({ message: 'Unauthenticated.' }, { status: 401, statusText: 'Unauthorized' });
    await settle();
    expect(router.url).toBe('/webhooks/w1');
  });

  it('does not redirect on other errors', async () => {
    http.get('/api/admin/webhooks').subscribe({ error: () => undefined });
    backend
      .expectOne('/api/admin/webhooks')
      .flush({ message: 'This action is unauthorized.' }, { status: 403, statusText: 'Forbidden' });
    await settle();
    expect(router.url).toBe('/webhooks/w1');
  });
});

describe('XSRF (Angular built-in, configured in the app)', () => {
  let http: HttpClient;
  let backend: HttpTestingController;

  beforeEach(() => {
    TestBed.configureTestingModule({ providers: testProviders() });
    http = TestBed.inject(HttpClient);
    backend = TestBed.inject(HttpTestingController);
    document.cookie = 'XSRF-TOKEN=tok123; path=/';
  });

  afterEach(() => {
    document.cookie = 'XSRF-TOKEN=; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=/';
    backend.verify();
  });

  it('echoes the XSRF-TOKEN cookie in X-XSRF-TOKEN on mutating requests to relative URLs', () => {
    http.post('/api/admin/webhooks', {}).subscribe();
    http.delete('/api/admin/webhooks/w1').subscribe();
    http.patch('/api/admin/users/u1', {}).subscribe();
    const reqs = backend.match(() => true);
    expect(reqs.length).toBe(3);
    for (const req of reqs) {
      expect(req.request.headers.get('X-XSRF-TOKEN')).toBe('tok123');
      req.flush({});
    }
  });

  it('does not send it on GET or to absolute URLs', () => {
    http.get('/api/admin/webhooks').subscribe();
    http.post('https://elsewhere.example/api', {}).subscribe();
    const reqs = backend.match(() => true);
    expect(reqs.length).toBe(2);
    for (const req of reqs) {
      expect(req.request.headers.has('X-XSRF-TOKEN')).toBe(false);
      req.flush({});
    }
  });
});
