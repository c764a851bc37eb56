import { TestBed } from '@angular/core/testing';
import { HttpClient } from '@angular/common/http';
import { HttpTestingController } from '@angular/common/http/testing';
import { Router } from '@angular/router';
import { apiServiceTest, settle, testProviders, withXsrfCookie } from '../../../testing/providers';
import { StubPage } from '../../../testing/page-test';
import { aUser } from '../../../testing/fixtures';
import { AuthStore } from './auth-store';

describe('authInterceptor', () => {
  let http: HttpClient;
  let backend: HttpTestingController;
  let router: Router;
  let auth: AuthStore;

  beforeEach(async () => {
    TestBed.configureTestingModule({
      providers: testProviders([
        { path: 'login', component: StubPage },
        { path: 'webhooks/:id', component: StubPage },
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
    backend.expectOne('/api/admin/auth/login').flush({ data: { user: aUser() } });
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
  const t = apiServiceTest(HttpClient);
  withXsrfCookie();

  it('echoes the XSRF-TOKEN cookie in X-XSRF-TOKEN on mutating requests to relative URLs', () => {
    t.api.post('/api/admin/webhooks', {}).subscribe();
    t.api.delete('/api/admin/webhooks/w1').subscribe();
    t.api.patch('/api/admin/users/u1', {}).subscribe();
    const reqs = t.http.match(() => true);
    expect(reqs.length).toBe(3);
    for (const req of reqs) {
      expect(req.request.headers.get('X-XSRF-TOKEN')).toBe('tok123');
      req.flush({});
    }
  });

  it('does not send it on GET or to absolute URLs', () => {
    t.api.get('/api/admin/webhooks').subscribe();
    t.api.post('https://elsewhere.example/api', {}).subscribe();
    const reqs = t.http.match(() => true);
    expect(reqs.length).toBe(2);
    for (const req of reqs) {
      expect(req.request.headers.has('X-XSRF-TOKEN')).toBe(false);
      req.flush({});
    }
  });
});
