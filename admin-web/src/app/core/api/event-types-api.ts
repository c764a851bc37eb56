import { Injectable, inject } from '@angular/core';
import { Observable, catchError, map, shareReplay, throwError } from 'rxjs';
import { EventType } from './api.types';
import { AdminClient } from './generated/admin-client';

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
  private readonly client = inject(AdminClient);
  private cache$: Observable<EventType[]> | null = null;

  /** The catalogue never changes while the app runs: fetched once, shared; a failure is retried next call. */
  list(): Observable<EventType[]> {
    if (!this.cache$) {
      this.cache$ = this.client.eventTypesList().pipe(
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
