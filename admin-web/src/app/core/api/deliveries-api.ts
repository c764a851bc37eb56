import { Injectable, inject } from '@angular/core';
import { Observable, map } from 'rxjs';
import { CursorPage, Delivery, DeliveryDetail, DeliveryFilters } from './api.types';
import { AdminClient } from './generated/admin-client';

@Injectable({ providedIn: 'root' })
export class DeliveriesApi {
  private readonly client = inject(AdminClient);

  /** Newest first; pass `next_cursor` back as `cursor` for the next page. */
  list(filters: DeliveryFilters = {}): Observable<CursorPage<Delivery>> {
    return this.client.deliveriesList(filters);
  }

  get(id: string): Observable<DeliveryDetail> {
    return this.client.deliveriesDetail(id).pipe(map((r) => r.data));
  }

  replay(id: string): Observable<Delivery> {
    return this.client.deliveriesReplay(id).pipe(map((r) => r.data));
  }
}
