import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { Observable, map } from 'rxjs';
import { API_BASE, DataEnvelope, User, UserInput, UserPatch } from './api.types';

@Injectable({ providedIn: 'root' })
export class UsersApi {
  private readonly http = inject(HttpClient);
  private readonly base = `${API_BASE}/users`;

  list(): Observable<User[]> {
    return this.http.get<DataEnvelope<User[]>>(this.base).pipe(map((r) => r.data));
  }

  create(input: UserInput): Observable<User> {
    return this.http.post<DataEnvelope<User>>(this.base, input).pipe(map((r) => r.data));
  }

  update(id: string, patch: UserPatch): Observable<User> {
    return this.http
      .patch<DataEnvelope<User>>(`${this.base}/${encodeURIComponent(id)}`, patch)
      .pipe(map((r) => r.data));
  }
}
