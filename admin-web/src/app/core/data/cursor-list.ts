import { DestroyRef, computed, inject, signal } from '@angular/core';
import { Observable, Subscription } from 'rxjs';
import { CursorPage } from '../api/api.types';
import { ApiError, toApiError } from '../errors/api-error';

/** Fetches one page of a cursor list; no cursor = the newest page. */
export type PageFetch<T> = (cursor: string | undefined) => Observable<CursorPage<T>>;

/**
 * A newest-first cursor list (`{data, next_cursor}` of API.md) as signals: `reload()` shows the
 * first page, `loadMore()` appends the next one (without duplicates), `refreshNewest()` merges a
 * fresh first page into what is shown (polling). A reload cancels the requests in flight.
 */
export class CursorList<T extends { id: string }> {
  private readonly _items = signal<T[]>([]);
  private readonly _next = signal<string | null>(null);
  private readonly _loading = signal(false);
  private readonly _loadingMore = signal(false);
  private readonly _loaded = signal(false);
  private readonly _error = signal<ApiError | null>(null);
  private readonly _updatedAt = signal<string | null>(null);
  private pages = 0;
  private sub = new Subscription();

  readonly items = this._items.asReadonly();
  readonly nextCursor = this._next.asReadonly();
  readonly loading = this._loading.asReadonly();
  readonly loadingMore = this._loadingMore.asReadonly();
  /** At least one page has arrived (a reload keeps the rows shown until the new page). */
  readonly loaded = this._loaded.asReadonly();
  readonly error = this._error.asReadonly();
  readonly updatedAt = this._updatedAt.asReadonly();
  readonly empty = computed(() => this._loaded() && this._items().length === 0);

  constructor(
    private readonly fetch: PageFetch<T>,
    destroyRef: DestroyRef,
    /** Where a failed "load more" is reported (the list itself stays as it is). */
    private readonly onMoreError: (err: unknown) => void = () => undefined,
  ) {
    destroyRef.onDestroy(() => this.sub.unsubscribe());
  }

  reload(): void {
    this.sub.unsubscribe();
    this.sub = new Subscription();
    this._loading.set(true);
    this._loadingMore.set(false);
    this._error.set(null);
    this.track(
      this.fetch(undefined).subscribe({
        next: (page) => {
          this._items.set(page.data);
          this._next.set(page.next_cursor);
          this.pages = 1;
          this.done();
        },
        error: (err: unknown) => {
          this._error.set(toApiError(err));
          this._loading.set(false);
        },
      }),
    );
  }

  loadMore(): void {
    const cursor = this._next();
    if (!cursor || this._loadingMore()) return;
    this._loadingMore.set(true);
    this.track(
      this.fetch(cursor).subscribe({
        next: (page) => {
          const seen = new Set(this._items().map((i) => i.id));
          this._items.update((list) => [...list, ...page.data.filter((i) => !seen.has(i.id))]);
          this._next.set(page.next_cursor);
          this.pages++;
          this._loadingMore.set(false);
        },
        error: (err: unknown) => {
          this._loadingMore.set(false);
          this.onMoreError(err);
        },
      }),
    );
  }

  /** Refreshes the newest page in place: changed rows update, new rows appear on top. */
  refreshNewest(): void {
    if (this._loading()) return;
    this.track(
      this.fetch(undefined).subscribe({
        next: (page) => {
          this._items.update((list) => mergeNewest(list, page.data));
          if (this.pages <= 1) this._next.set(page.next_cursor);
          this._error.set(null);
          this._updatedAt.set(new Date().toISOString());
        },
        error: (err: unknown) => this._error.set(toApiError(err)),
      }),
    );
  }

  /** Replaces one shown item by id (e.g. with a mutation's response). */
  replace(item: T): void {
    this._items.update((list) => list.map((i) => (i.id === item.id ? item : i)));
  }

  private done(): void {
    this._loading.set(false);
    this._loaded.set(true);
    this._updatedAt.set(new Date().toISOString());
  }

  private track(s: Subscription): void {
    this.sub.add(s);
  }
}

/** A `CursorList` owned by the calling component (call in an injection context). */
export function cursorList<T extends { id: string }>(
  fetch: PageFetch<T>,
  onMoreError?: (err: unknown) => void,
): CursorList<T> {
  return new CursorList(fetch, inject(DestroyRef), onMoreError);
}

/** Merges a fresh newest page into the list shown: replaces by id, prepends new rows. */
export function mergeNewest<T extends { id: string }>(
  current: readonly T[],
  fresh: readonly T[],
): T[] {
  const freshById = new Map(fresh.map((d) => [d.id, d]));
  const known = new Set(current.map((d) => d.id));
  const added = fresh.filter((d) => !known.has(d.id));
  return [...added, ...current.map((d) => freshById.get(d.id) ?? d)];
}
