import { Injectable, inject } from '@angular/core';
import { Observable, map } from 'rxjs';
import { StaleCallsSummary } from './api.types';
import { AdminClient } from './generated/admin-client';

@Injectable({ providedIn: 'root' })
export class PbxApi {
  private readonly client = inject(AdminClient);

  /** Calls still open long after any plausible end: a count and the oldest few. */
  staleCalls(): Observable<StaleCallsSummary> {
    return this.client.staleCallsSummary().pipe(map((r) => r.data));
  }
}
