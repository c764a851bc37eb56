import { Injectable, inject } from '@angular/core';
import { Observable, map } from 'rxjs';
import { ApiToken, ApiTokenCreated, ApiTokenInput } from './api.types';
import { AdminClient } from './generated/admin-client';

@Injectable({ providedIn: 'root' })
export class ApiTokensApi {
  private readonly client = inject(AdminClient);

  list(): Observable<ApiToken[]> {
    return this.client.apiTokensList().pipe(map((r) => r.data));
  }

  /** Returns the token itself (`<id>|<random>`): shown once. */
  create(input: ApiTokenInput): Observable<ApiTokenCreated> {
    return this.client.apiTokensCreate(input);
  }

  revoke(id: string): Observable<void> {
    return this.client.apiTokensRevoke(id);
  }
}
