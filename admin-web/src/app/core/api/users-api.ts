import { Injectable, inject } from '@angular/core';
import { Observable, map } from 'rxjs';
import { User, UserInput, UserPatch } from './api.types';
import { AdminClient } from './generated/admin-client';

@Injectable({ providedIn: 'root' })
export class UsersApi {
  private readonly client = inject(AdminClient);

  list(): Observable<User[]> {
    return this.client.usersList().pipe(map((r) => r.data));
  }

  create(input: UserInput): Observable<User> {
    return this.client.usersCreate(input).pipe(map((r) => r.data));
  }

  update(id: string, patch: UserPatch): Observable<User> {
    return this.client.usersUpdate(id, patch).pipe(map((r) => r.data));
  }
}
