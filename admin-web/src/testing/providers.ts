import { EnvironmentProviders, Provider, ProviderToken } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { provideHttpClient, withInterceptors, withXsrfConfiguration } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { MATERIAL_ANIMATIONS } from '@angular/material/core';
import { Routes, provideRouter, withComponentInputBinding } from '@angular/router';
import { authInterceptor } from '../app/core/auth/auth-interceptor';
import { provideIcons } from '../app/core/ui/icons';

/**
 * The app's HTTP stack (XSRF + auth interceptor) on Angular's testing backend, a router, the
 * icon registry, and Material with animations off: what component and service tests share.
 */
export function testProviders(routes: Routes = []): (Provider | EnvironmentProviders)[] {
  return [
    provideHttpClient(
      withXsrfConfiguration({ cookieName: 'XSRF-TOKEN', headerName: 'X-XSRF-TOKEN' }),
      withInterceptors([authInterceptor]),
    ),
    provideHttpClientTesting(),
    provideRouter(routes, withComponentInputBinding()),
    provideIcons(),
    { provide: MATERIAL_ANIMATIONS, useValue: { animationsDisabled: true } },
  ];
}

/** Lets pending microtasks and Angular's change detection settle. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise((r) => setTimeout(r, 0));
}

/**
 * Sets up a test of one API service on the testing backend: `t.api` is the service, `t.http` the
 * testing controller (verified after each test: no request left unanswered).
 */
export function apiServiceTest<T>(service: ProviderToken<T>): {
  readonly api: T;
  readonly http: HttpTestingController;
} {
  const t = {} as { api: T; http: HttpTestingController };
  beforeEach(() => {
    TestBed.configureTestingModule({ providers: testProviders() });
    t.api = TestBed.inject(service);
    t.http = TestBed.inject(HttpTestingController);
  });
  afterEach(() => t.http.verify());
  return t;
}

/**
 * Sets the `XSRF-TOKEN` cookie the backend sets at login (next to the httpOnly session cookie)
 * before each test of the describe block, and removes it after each.
 */
export function withXsrfCookie(token = 'tok123'): void {
  beforeEach(() => {
    document.cookie = `XSRF-TOKEN=${token}; path=/`;
  });
  afterEach(() => {
    document.cookie = 'XSRF-TOKEN=; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=/';
  });
}
