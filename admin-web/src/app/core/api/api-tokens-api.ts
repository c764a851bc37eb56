import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { Observable, map } from 'rxjs';
import { API_BASE, ApiToken, ApiTokenCreated, ApiTokenInput, DataEnvelope } from './api.types';

@Injectable({ providedIn: 'root' })
export class ApiTokensApi {
  private readonly http = inject(HttpClient);
  private readonly base = `${API_BASE}/api-tokens`;

  list(): Observable<ApiToken[]> {
    return this.http.get<DataEnvelope<ApiToken[]>>(this.base).pipe(map((r) => r.data));
  }

  /** Returns the token itself (`<id>|<random>`): shown once. */
  create(input: ApiTokenInput): Observable<ApiTokenCreated> {
    return this.http.post<ApiTokenCreated>(this.base, input);
  }

  revoke(id: string): Observable<void> {
    return this.http.delete<void>(`${this.base}/${encodeURIComponent(id)}`);
  }
}
