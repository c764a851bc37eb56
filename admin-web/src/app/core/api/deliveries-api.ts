import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { Observable, map } from 'rxjs';
import {
  API_BASE,
  CursorPage,
  DataEnvelope,
  Delivery,
  DeliveryDetail,
  DeliveryFilters,
  toQuery,
} from './api.types';

@Injectable({ providedIn: 'root' })
export class DeliveriesApi {
  private readonly http = inject(HttpClient);
  private readonly base = `${API_BASE}/deliveries`;

  /** Newest first; pass `next_cursor` back as `cursor` for the next page. */
  list(filters: DeliveryFilters = {}): Observable<CursorPage<Delivery>> {
    return this.http.get<CursorPage<Delivery>>(this.base, { params: toQuery(filters) });
  }

  get(id: string): Observable<DeliveryDetail> {
    return this.http
      .get<DataEnvelope<DeliveryDetail>>(`${this.base}/${encodeURIComponent(id)}`)
      .pipe(map((r) => r.data));
  }

  replay(id: string): Observable<Delivery> {
    return this.http
      .post<DataEnvelope<Delivery>>(`${this.base}/${encodeURIComponent(id)}/replay`, null)
      .pipe(map((r) => r.data));
  }
}
