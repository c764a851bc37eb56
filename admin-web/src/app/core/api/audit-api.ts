import { Injectable, inject } from '@angular/core';
import { Observable, map } from 'rxjs';
import { AuditEntry, AuditFilters, AuditVerifyResult, CursorPage } from './api.types';
import { AdminClient } from './generated/admin-client';

@Injectable({ providedIn: 'root' })
export class AuditApi {
  private readonly client = inject(AdminClient);

  list(filters: AuditFilters = {}): Observable<CursorPage<AuditEntry>> {
    return this.client.auditList(filters);
  }

  verify(): Observable<AuditVerifyResult> {
    return this.client.auditVerify().pipe(map((r) => r.data));
  }

  /** A same-origin link to the CSV export with the same filters (paging fields left out). */
  exportUrl(filters: AuditFilters = {}): string {
    const { cursor: _cursor, limit: _limit, ...rest } = filters;
    return this.client.auditExportUrl(rest);
  }
}
