import { HttpErrorResponse, HttpInterceptorFn } from '@angular/common/http';
import { inject } from '@angular/core';
import { Router } from '@angular/router';
import { catchError, throwError } from 'rxjs';
import { API_BASE } from '../api/api.types';
import { AuthStore } from './auth-store';

/** Requests whose 401 is an answer, not an expired session. */
const OWN_401 = [`${API_BASE}/auth/login`, `${API_BASE}/auth/me`, `${API_BASE}/auth/logout`];

/** On a 401 from the API the session is gone: forget the user and go to the login page. */
export const authInterceptor: HttpInterceptorFn = (req, next) => {
  const auth = inject(AuthStore);
  const router = inject(Router);
  return next(req).pipe(
    catchError((err: unknown) => {
      if (
        err instanceof HttpErrorResponse &&
        err.status === 401 &&
        req.url.startsWith(API_BASE) &&
        !OWN_401.some((u) => req.url.startsWith(u))
      ) {
        auth.clear();
        const current = router.url;
        const returnUrl = current && !current.startsWith('/login') ? current : undefined;
        void router.navigate(['/login'], {
          queryParams: returnUrl && returnUrl !== '/' ? { returnUrl, expired: 1 } : { expired: 1 },
        });
      }
      return throwError(() => err);
    }),
  );
};
