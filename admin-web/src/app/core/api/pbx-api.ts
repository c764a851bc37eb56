import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { Observable, map } from 'rxjs';
import { API_BASE, DataEnvelope, StaleCallsSummary } from './api.types';

@Injectable({ providedIn: 'root' })
export class PbxApi {
  private readonly http = inject(HttpClient);

  /** Calls still open long after any plausible end: a count and the oldest few. */
  staleCalls(): Observable<StaleCallsSummary> {
    return this.http
      .get<DataEnvelope<StaleCallsSummary>>(`${API_BASE}/pbx/stale-calls`)
      .pipe(map((r) => r.data));
  }
}
