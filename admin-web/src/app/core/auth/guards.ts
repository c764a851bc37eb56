import { inject } from '@angular/core';
import { CanMatchFn, Router, UrlSegment, UrlTree } from '@angular/router';
import { Role } from '../api/api.types';
import { AuthStore } from './auth-store';

function loginTree(router: Router, segments: UrlSegment[]): UrlTree {
  const returnUrl = '/' + segments.map((s) => s.path).join('/');
  return router.createUrlTree(['/login'], returnUrl === '/' ? {} : { queryParams: { returnUrl } });
}

/** Requires a session; otherwise sends the user to the login page and back afterwards. */
export const authGuard: CanMatchFn = async (_route, segments) => {
  const auth = inject(AuthStore);
  const router = inject(Router);
  const user = await auth.ensureLoaded();
  return user ? true : loginTree(router, segments);
};

/** Requires one of the roles; a signed-in user without it is sent to their home screen. */
export function roleGuard(...roles: Role[]): CanMatchFn {
  return async (_route, segments) => {
    const auth = inject(AuthStore);
    const router = inject(Router);
    const user = await auth.ensureLoaded();
    if (!user) return loginTree(router, segments);
    if (roles.includes(user.role)) return true;
    return router.parseUrl(auth.homeFor(user));
  };
}

/** The login page is for signed-out users only. */
export const guestGuard: CanMatchFn = async () => {
  const auth = inject(AuthStore);
  const router = inject(Router);
  const user = await auth.ensureLoaded();
  return user ? router.parseUrl(auth.homeFor(user)) : true;
};
