import { HttpErrorResponse, HttpXsrfTokenExtractor } from '@angular/common/http';
import { Injectable, computed, inject, signal } from '@angular/core';
import { Observable, catchError, firstValueFrom, map, of, tap } from 'rxjs';
import { AuthApi } from '../api/auth-api';
import { Role, User } from '../api/api.types';

/**
 * The signed-in user, as signals. `ensureLoaded()` asks the server once per page load, and only
 * when there may be a session at all.
 */
@Injectable({ providedIn: 'root' })
export class AuthStore {
  private readonly api = inject(AuthApi);
  private readonly xsrf = inject(HttpXsrfTokenExtractor);
  private readonly _user = signal<User | null>(null);
  private loaded = false;
  private pending: Promise<User | null> | null = null;

  readonly user = this._user.asReadonly();
  readonly role = computed<Role | null>(() => this._user()?.role ?? null);
  readonly isAdmin = computed(() => this.role() === 'admin');
  readonly signedIn = computed(() => this._user() !== null);

  /** Resolves to the current user, or null when there is no session. Never rejects. */
  ensureLoaded(): Promise<User | null> {
    if (this.loaded) return Promise.resolve(this._user());
    // The backend sets the readable XSRF-TOKEN cookie together with the httpOnly session cookie
    // at login and clears both at logout. Without it there is no session to ask about, and
    // asking would only log a 401 in the browser's console: go straight to signed out.
    if (!this.xsrf.getToken()) {
      this.set(null);
      return Promise.resolve(null);
    }
    this.pending ??= firstValueFrom(
      this.api.me().pipe(
        catchError((err: unknown) => {
          // 401: no session. Anything else (server down): treat as signed out too, so the
          // login page shows and reports the problem when the user tries.
          if (!(err instanceof HttpErrorResponse)) throw err;
          return of(null);
        }),
      ),
    ).then((user) => {
      this.set(user);
      this.pending = null;
      return user;
    });
    return this.pending;
  }

  login(email: string, password: string): Observable<User> {
    return this.api.login(email, password).pipe(tap((user) => this.set(user)));
  }

  logout(): Observable<void> {
    return this.api.logout().pipe(
      catchError(() => of(undefined)),
      map(() => undefined),
      tap(() => this.clear()),
    );
  }

  /** Forget the user (the session ended or expired). */
  clear(): void {
    this.set(null);
  }

  hasRole(...roles: Role[]): boolean {
    const role = this.role();
    return role !== null && roles.includes(role);
  }

  /** Where a user lands after login: auditors only see the audit log. */
  homeFor(user: User | null = this._user()): string {
    return user?.role === 'auditor' ? '/audit-log' : '/webhooks';
  }

  private set(user: User | null): void {
    this._user.set(user);
    this.loaded = true;
  }
}
