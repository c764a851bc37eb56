import { Injectable, inject } from '@angular/core';
import { Observable, map } from 'rxjs';
import { User } from './api.types';
import { AdminClient } from './generated/admin-client';

@Injectable({ providedIn: 'root' })
export class AuthApi {
  private readonly client = inject(AdminClient);

  login(email: string, password: string): Observable<User> {
    return this.client.authLogin({ email, password }).pipe(map((r) => r.data.user));
  }

  me(): Observable<User> {
    return this.client.authMe().pipe(map((r) => r.data.user));
  }

  logout(): Observable<void> {
    return this.client.authLogout();
  }
}
