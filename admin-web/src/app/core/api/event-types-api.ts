import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { Observable, catchError, map, shareReplay, throwError } from 'rxjs';
import { API_BASE, DataEnvelope, EventType } from './api.types';

export interface EventGroup {
  module: string;
  events: EventType[];
}

/** Groups the catalogue by module, keeping the catalogue's order. */
export function groupByModule(types: readonly EventType[]): EventGroup[] {
  const groups = new Map<string, EventType[]>();
  for (const t of types) {
    const list = groups.get(t.module) ?? [];
    list.push(t);
    groups.set(t.module, list);
  }
  return [...groups.entries()].map(([module, events]) => ({ module, events }));
}

@Injectable({ providedIn: 'root' })
export class EventTypesApi {
  private readonly http = inject(HttpClient);
  private cache$: Observable<EventType[]> | null = null;

  /** The catalogue never changes while the app runs: fetched once, shared; a failure is retried next call. */
  list(): Observable<EventType[]> {
    if (!this.cache$) {
      this.cache$ = this.http.get<DataEnvelope<EventType[]>>(`${API_BASE}/event-types`).pipe(
        map((r) => r.data),
        catchError((err: unknown) => {
          this.cache$ = null;
          return throwError(() => err);
        }),
        shareReplay({ bufferSize: 1, refCount: false }),
      );
    }
    return this.cache$;
  }
}
