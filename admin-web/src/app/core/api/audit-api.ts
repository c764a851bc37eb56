import { HttpClient, HttpParams } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { Observable, map } from 'rxjs';
import {
  API_BASE,
  AuditEntry,
  AuditFilters,
  AuditVerifyResult,
  CursorPage,
  DataEnvelope,
  toQuery,
} from './api.types';

@Injectable({ providedIn: 'root' })
export class AuditApi {
  private readonly http = inject(HttpClient);
  private readonly base = `${API_BASE}/audit-log`;

  list(filters: AuditFilters = {}): Observable<CursorPage<AuditEntry>> {
    return this.http.get<CursorPage<AuditEntry>>(this.base, { params: toQuery(filters) });
  }

  verify(): Observable<AuditVerifyResult> {
    return this.http
      .get<DataEnvelope<AuditVerifyResult>>(`${this.base}/verify`)
      .pipe(map((r) => r.data));
  }

  /** A same-origin link to the CSV export with the same filters (paging fields left out). */
  exportUrl(filters: AuditFilters = {}): string {
    const { cursor: _cursor, limit: _limit, ...rest } = filters;
    const query = new HttpParams({ fromObject: toQuery(rest) }).toString();
    return `${this.base}/export${query ? `?${query}` : ''}`;
  }
}
