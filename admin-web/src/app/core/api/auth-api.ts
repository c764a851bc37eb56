import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { Observable, map } from 'rxjs';
import { API_BASE, DataEnvelope, User } from './api.types';

@Injectable({ providedIn: 'root' })
export class AuthApi {
  private readonly http = inject(HttpClient);

  login(email: string, password: string): Observable<User> {
    return this.http
      .post<DataEnvelope<{ user: User }>>(`${API_BASE}/auth/login`, { email, password })
      .pipe(map((r) => r.data.user));
  }

  me(): Observable<User> {
    return this.http
      .get<DataEnvelope<{ user: User }>>(`${API_BASE}/auth/me`)
      .pipe(map((r) => r.data.user));
  }

  logout(): Observable<void> {
    return this.http.post<void>(`${API_BASE}/auth/logout`, null);
  }
}
